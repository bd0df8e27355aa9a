// IR(tf) <-> GraphDef, and the frozen-graph file format (one serialized GraphDef).
//
// Writing: graph inputs become Placeholder nodes (attrs dtype, shape), constant Values become
// Const nodes (attrs dtype, value), IR nodes become NodeDefs with inputs "node" / "node:k",
// and each graph output gets an Identity node named after it (an existing Identity that only
// feeds the output is reused, so reading and writing again adds nothing). TF node names must
// match [A-Za-z0-9.][A-Za-z0-9_.\-/]*: IR names are sanitised and made unique, and the
// ExportedGraph's bindings map each IR value name (the signature key) to its "node:0".
//
// Reading: Placeholders become graph inputs, Consts become constant Values, other NodeDefs
// become IR nodes (domain "tf", attributes per AttrFromProto; attributes starting with "_"
// are TF-internal and dropped, except "_ferry_source", read into graph metadata: see below);
// control inputs "^x" are ignored. With a signature, inputs and outputs are the signature's
// tensors, named by their keys, ordered by the position of
// their node in the GraphDef (the writer emits Placeholders in input order and output
// Identities in output order, which is how the order survives TF's unordered signature map).
// The order is also recorded in metadata "signature.input.<i>" / "signature.output.<i>" = key.
//
// Source values: a converted graph records which of its values each value of the source
// model (an ONNX value) became, and the permutation between them (SourceValue). In the IR
// the record is graph metadata "source_value.<source name>" = "<value name>|<perm>"; in a
// GraphDef it is an attribute "_ferry_source" (list of strings "<k>|<perm>|<source name>")
// on the node producing output k. TF ignores attributes starting with "_" (graph import skips
// them when it validates a NodeDef against its OpDef), and TF.js reads only the attributes
// its op mappers name, so the record travels inside SavedModels, frozen graphs and TF.js
// model.json without a side file; the writer translates value names into the sanitised node
// names and the reader back. `ferry check --per-node` uses it (src/check/per_node.h).
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"
#include "tf/options.h"
#include "tf/proto/tf.pb.h"

namespace google::protobuf::io {
class CodedOutputStream;
class FileOutputStream;
}

namespace ferry::tf {

// A value of a converted graph and the source-model value it stands for:
// value == transpose(source, perm), i.e. value.dim(i) == source.dim(perm[i]); perm empty:
// same layout.
struct SourceValue {
  std::string source;  // the source model's value name (ONNX)
  std::string value;   // this graph's value name
  std::vector<int64_t> perm;
};

inline constexpr char kSourceValueAttr[] = "_ferry_source";
inline constexpr char kSourceValueMetaPrefix[] = "source_value.";

// Reads / replaces the record in graph metadata (entries with malformed perms are skipped).
std::vector<SourceValue> GetSourceValues(const ir::Graph& g);
void SetSourceValues(ir::Graph* g, const std::vector<SourceValue>& values);

// One signature entry: the key (an IR value name) and the TF tensor it names.
struct TensorBinding {
  std::string key;
  std::string tensor;  // "node:k"
  DataType dtype = DataType::kUndefined;
  std::optional<std::vector<ir::Dim>> shape;
};

// A Const whose data stays in the IR tensor until the GraphDef is streamed to a file.
struct DeferredConst {
  int node = 0;                  // index in graph_def.node(); that NodeDef has no "value" attr
  tfproto::TensorProto header;   // the value's dtype and shape, no tensor_content
  Tensor data;                   // shares the IR constant's buffer (no copy)
};

struct ExportedGraph {
  tfproto::GraphDef graph_def;
  std::vector<TensorBinding> inputs;   // graph input order
  std::vector<TensorBinding> outputs;  // graph output order
  // Only with ExportOptions::defer_const_data; sorted by node.
  std::vector<DeferredConst> deferred;
};

struct ExportOptions {
  // Leave numeric Const data in the IR (ExportedGraph::deferred) instead of copying it into
  // the GraphDef: for the file writers, which stream it (WriteGraphDefBody).
  bool defer_const_data = false;
};

StatusOr<ExportedGraph> ExportGraphDef(const ir::Graph& g, const ExportOptions& options = {});

// A file being written by WriteStreamedFile: a protobuf stream into it, and byte runs copied
// into it from another file inside the kernel (copy_file_range, as `cp` does; pread into the
// stream where the kernel cannot), for weights that still lie unchanged in the model file they were
// loaded from (Tensor::file_range).
class StreamedFile {
 public:
  StreamedFile(int fd, google::protobuf::io::FileOutputStream* file,
               google::protobuf::io::CodedOutputStream* out)
      : fd_(fd), file_(file), out_(out) {}
  google::protobuf::io::CodedOutputStream* out() { return out_; }
  // Appends bytes [from.offset, from.offset + n) of from.file.
  void AppendFromFile(const FileRange& from, uint64_t n);
  // Bytes written so far, both ways.
  int64_t ByteCount() const;
  bool failed() const { return failed_; }

 private:
  int fd_;
  google::protobuf::io::FileOutputStream* file_;
  google::protobuf::io::CodedOutputStream* out_;
  int64_t copied_ = 0;
  bool kernel_copy_ = true;  // until copy_file_range says it cannot (another file system type)
  std::unique_ptr<char[]> buf_;  // the copy by hand's, when it cannot
  bool failed_ = false;
};

// The serialized size of e.graph_def with its deferred Consts filled in.
uint64_t GraphDefBodySize(const ExportedGraph& e);
// Serializes e.graph_def (the message body, no tag or length), writing each deferred Const's
// tensor_content straight from its IR tensor, or from the model file its tensor still lies in
// unchanged: the weights are never copied into a proto or a string.
void WriteGraphDefBody(const ExportedGraph& e, StreamedFile* file);

// Wire-format pieces for writing a message around a streamed GraphDef: the size of a
// length-delimited field of `len` bytes (tag and length included), and its tag and length.
uint64_t LengthDelimitedSize(int field, uint64_t len);
void WriteLengthDelimitedHeader(google::protobuf::io::CodedOutputStream* out, int field,
                                uint64_t len);

// Creates `path` and calls write(file) on a stream into it (unbuffered in memory beyond a
// 1 MiB block; deterministic: map entries in key order); an error when writing fails, when a lazily read tensor could not be read
// (LazyReadStatus), or when the bytes written are not `expected_bytes` (the caller's size
// computation and its writing disagree). Not atomic by itself.
Status WriteStreamedFile(const std::string& path, uint64_t expected_bytes,
                         const std::function<void(StreamedFile*)>& write);

// The error of CheckProtoSize for a message of `bytes` bytes.
Status CheckMessageBytes(uint64_t bytes, const std::string& what,
                         uint64_t limit = kProtobufMessageLimit);

struct ImportOptions {
  std::string source;  // file or folder, prefixed to errors
  // With a signature, these are its entries (order irrelevant: see above); dtype/shape of
  // outputs fill the IR values' info.
  bool has_signature = false;
  std::vector<TensorBinding> inputs;
  std::vector<TensorBinding> outputs;
  // Without a signature: explicit outputs ("node" or "node:k"), else the unconsumed op nodes.
  std::vector<std::string> output_tensors;
};

StatusOr<std::shared_ptr<ir::Graph>> ImportGraphDef(const tfproto::GraphDef& gd,
                                                    const ImportOptions& options);

// The SignatureDef of an exported graph (method "tensorflow/serving/predict"); error when two
// inputs or two outputs share a key (the same value listed twice).
StatusOr<tfproto::SignatureDef> MakeSignature(const ExportedGraph& e);
// Fills options->inputs/outputs from a SignatureDef and sets has_signature.
Status SignatureToImport(const tfproto::SignatureDef& s, ImportOptions* options);

// "a/b:2" -> ("a/b", 2); "a" -> ("a", 0); error for "^a", "a:x", "a:out:0".
StatusOr<std::pair<std::string, int>> ParseTensorName(const std::string& t);

// Parses a serialized protobuf message, catching protobuf's exceptions; error names `file`.
Status ParseProto(const std::string& bytes, google::protobuf::Message* m, const std::string& file);

// A message (GraphDef with its Consts, SavedModel) that would pass protobuf's 2 GiB limit is
// an error naming the limit, before anything is written (WriteOptions::max_proto_bytes).
Status CheckProtoSize(const google::protobuf::Message& m, const std::string& what,
                      uint64_t limit = kProtobufMessageLimit);

// Serializes `m` straight into the file at `path` (no second in-memory copy of a big
// GraphDef as a string); the caller makes it atomic (temporary sibling or folder).
Status WriteProtoFile(const google::protobuf::Message& m, const std::string& path);

// Frozen graph: a GraphDef with Consts, no variables, written atomically.
Status WriteFrozenGraph(const ir::Graph& g, const std::string& path,
                        const WriteOptions& options = {});
StatusOr<std::shared_ptr<ir::Graph>> ReadFrozenGraph(const std::string& path,
                                                     const LoadOptions& options = {});

}  // namespace ferry::tf
