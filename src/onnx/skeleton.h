// Loading a big ONNX file without copying its weights twice: a wire-format pre-scan builds a
// "skeleton" of the ModelProto in which each large initializer raw_data is left empty, and
// records where that raw_data lies in the file, so that the import reads it straight into the
// tensor's storage (LoadModel, LoadModelFromBytes).
//
// Only ModelProto.graph (field 7) -> GraphProto.initializer (field 5) -> TensorProto.raw_data
// (field 9) is cut; the lengths of the enclosing graph and initializer messages are rewritten,
// every other byte is copied as it is, and protobuf parses the skeleton as usual (so it still
// validates everything outside the cut payloads, which are plain bytes it never checks).
// Framing errors the scan meets (a truncated file, a length past its enclosing message, a bad
// wire type or varint) are errors, as protobuf's own parse would give.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/file_bytes.h"
#include "core/status.h"
#include "ir/graph.h"
#include "onnx/onnx_pb.h"

namespace ferry::onnx {

// Where the bytes of a model come from: a file (pread, no mmap: mapped pages would count in the
// resident set) or memory.
class ModelSource {
 public:
  virtual ~ModelSource() = default;
  virtual uint64_t size() const = 0;
  // Copies [offset, offset + n) into dst; an error if it cannot (n bytes within size()).
  virtual Status ReadAt(uint64_t offset, uint64_t n, void* dst) const = 0;
  // Non-null when big initializers may stay in the file until read (Tensor::FromFile):
  // the file itself, kept open by the tensors.
  virtual std::shared_ptr<const OpenFile> lazy_file() const { return nullptr; }
};

class FileModelSource : public ModelSource {
 public:
  // Reads `file` (its size as opened); with `lazy`, big initializers become Tensor::FromFile
  // tensors of it.
  explicit FileModelSource(std::shared_ptr<const OpenFile> file, bool lazy = false)
      : file_(std::move(file)), lazy_(lazy) {}
  uint64_t size() const override { return file_->size(); }
  Status ReadAt(uint64_t offset, uint64_t n, void* dst) const override;
  std::shared_ptr<const OpenFile> lazy_file() const override { return lazy_ ? file_ : nullptr; }

 private:
  std::shared_ptr<const OpenFile> file_;
  bool lazy_ = false;
};

class BytesModelSource : public ModelSource {
 public:
  explicit BytesModelSource(std::string_view bytes) : bytes_(bytes) {}
  uint64_t size() const override { return bytes_.size(); }
  Status ReadAt(uint64_t offset, uint64_t n, void* dst) const override;

 private:
  std::string_view bytes_;
};

// A raw_data payload left out of the skeleton: bytes [offset, offset + length) of the source.
struct DetachedPayload {
  uint64_t offset = 0;
  uint64_t length = 0;
};

struct ModelSkeleton {
  std::string bytes;  // a serialized ModelProto
  // Main-graph initializer index (in the parsed skeleton's graph().initializer()) -> its
  // raw_data, left empty (but present) in `bytes`.
  std::map<int, DetachedPayload> detached;
};

// raw_data of at least this many bytes is left out of the skeleton by LoadModel.
inline constexpr uint64_t kMinDetachedBytes = 4096;

// Scans `source` as a serialized ModelProto. raw_data fields of `min_detached` bytes or more
// in main-graph initializers are detached. Errors are InvalidArgument with a short reason
// ("truncated", "bad wire type", ...) at a byte offset.
StatusOr<ModelSkeleton> ScanModelSkeleton(const ModelSource& source,
                                          uint64_t min_detached = kMinDetachedBytes);

// TakeGraphFromModelProto (model_io.h) for `model` parsed from skeleton.bytes: a main-graph
// initializer with a detached raw_data reads it from `source` straight into its tensor.
StatusOr<std::shared_ptr<ir::Graph>> TakeGraphFromSkeleton(::onnx::ModelProto* model,
                                                           const std::string& model_dir,
                                                           const ModelSkeleton& skeleton,
                                                           const ModelSource& source);

}  // namespace ferry::onnx
