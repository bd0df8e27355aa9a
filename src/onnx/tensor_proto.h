// onnx::TensorProto <-> ferry::Tensor, and ONNX element types <-> DataType.
//
// Reading accepts every storage form the ONNX IR allows (onnx.proto, "TensorProto"): raw_data
// (fixed-width little-endian), the typed *_data fields, and external data
// (data_location = EXTERNAL with the keys location/offset/length). External files are read
// only from the model's own folder: an absolute location, one containing "..", or one that
// resolves (through symlinks) outside that folder is refused. Sizes are checked against the
// shape and the file length before anything is allocated.
#pragma once

#include <cstdint>
#include <string>

#include "core/dtype.h"
#include "core/status.h"
#include "core/tensor.h"
#include "onnx/onnx-data_pb.h"
#include "onnx/onnx_pb.h"
#include "runtime/value.h"

namespace ferry::onnx {

// ONNX TensorProto.DataType code -> DataType; kUnimplemented for complex types and
// InvalidArgument for codes that do not exist.
StatusOr<DataType> DataTypeFromOnnx(int32_t elem_type);
// DataType -> ONNX TensorProto.DataType code (kUndefined -> 0).
int32_t DataTypeToOnnx(DataType dtype);

struct TensorReadOptions {
  // Folder of the model file; external data is resolved against it. Empty: external data is
  // refused (a model read from bytes has no folder).
  std::string model_dir;
};

// Converts a TensorProto into a Tensor that owns its data. Errors name the tensor.
StatusOr<Tensor> TensorFromProto(const ::onnx::TensorProto& proto,
                                 const TensorReadOptions& options = {});

class ModelSource;  // onnx/skeleton.h
// A raw_data payload left out of the parsed proto (ScanModelSkeleton): `length` bytes at
// `offset` of `source`.
inline constexpr uint64_t kMinLazyBytes = 64 << 10;
struct DetachedRawData {
  const ModelSource* source = nullptr;
  uint64_t offset = 0;
  uint64_t length = 0;
};
// Same, for a proto whose raw_data is present but empty, its bytes being `raw`: they are read
// straight into the tensor's storage, or, from a source with a lazy_file() and from
// kMinLazyBytes on, left there for Tensor::FromFile to read on first access. Every check of the plain form applies (external data
// still wins over raw_data, the byte count must match the shape).
StatusOr<Tensor> TensorFromProto(const ::onnx::TensorProto& proto,
                                 const TensorReadOptions& options, const DetachedRawData& raw);

enum class TensorStorage {
  kRawData,      // raw_data (what exporters write; the default)
  kTypedFields,  // float_data, int32_data, ... (the ONNX spec's typed fields)
};

// Writes name, dims, data_type and data into `proto` (cleared first). Strings always use
// string_data, since raw_data cannot hold them.
Status TensorToProto(const Tensor& tensor, const std::string& name, ::onnx::TensorProto* proto,
                     TensorStorage storage = TensorStorage::kRawData);

// Reads a file holding one serialized TensorProto (the input_K.pb / output_K.pb files of
// ONNX's backend test data). External data, if any, is resolved against the file's folder.
StatusOr<Tensor> ReadTensorProtoFile(const std::string& path);

// onnx.SequenceProto / onnx.OptionalProto (onnx-data.proto: the test data of sequence and
// optional values) -> runtime::Value. Elements must be tensors (or, in an optional, a
// sequence of tensors); maps, sparse tensors and nested sequences are kUnimplemented.
StatusOr<runtime::Value> ValueFromSequenceProto(const ::onnx::SequenceProto& proto,
                                                const TensorReadOptions& options = {});
StatusOr<runtime::Value> ValueFromOptionalProto(const ::onnx::OptionalProto& proto,
                                                const TensorReadOptions& options = {});

// Reads a backend-test data file holding the kind of value `type` describes: a TensorProto for
// a tensor type, a SequenceProto for a sequence type, an OptionalProto for an optional type.
StatusOr<runtime::Value> ReadValueProtoFile(const std::string& path,
                                            const ::onnx::TypeProto& type);

}  // namespace ferry::onnx
