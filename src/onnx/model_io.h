// Reading and writing ONNX model files through the official onnx library (protobuf parse,
// onnx::checker, onnx shape inference), converting between onnx::ModelProto and ir::Graph.
//
// Note on names: this namespace is ferry::onnx, the library's is ::onnx (ONNX_NAMESPACE).
//
// Metadata: LoadModel puts the model's producer_name, producer_version, ir_version,
// model_version, domain and doc_string into graph.metadata() under those keys (see
// kMeta* below), and each metadata_props entry under its own key. SaveModel maps the same
// keys back, and writes every other metadata key as a metadata_props entry.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "core/status.h"
#include "ir/graph.h"
#include "onnx/onnx_pb.h"

namespace ferry::onnx {

inline constexpr char kMetaProducerName[] = "producer_name";
inline constexpr char kMetaProducerVersion[] = "producer_version";
inline constexpr char kMetaIrVersion[] = "ir_version";
inline constexpr char kMetaModelVersion[] = "model_version";
inline constexpr char kMetaDomain[] = "domain";
inline constexpr char kMetaDocString[] = "doc_string";

struct LoadOptions {
  // Run onnx::checker::check_model after converting. Skipped for models whose IR version is
  // newer than the installed onnx library's (8 for onnx 1.12): its checker refuses them all.
  bool check = true;
  // Initializers of 64 KiB or more (raw_data in the model file, any dtype but bool and
  // string) stay in the file until first read (Tensor::FromFile), and the file stays open
  // while they live. For `convert`: it reads only the weights it rewrites, and the TF writers
  // copy the others file to file (core/file_bytes.h). Not for running a model.
  bool lazy_weights = false;
};

struct SaveOptions {
  // Run onnx shape inference to add value_info for every value it can type.
  bool infer_shapes = true;
  // Run onnx::checker::check_model on the result before writing anything (skipped, as in
  // LoadOptions, when the IR version written is newer than the onnx library's).
  bool check = true;
  // 0: the IR version that matches the default-domain opset (8 for opsets up to 17).
  int64_t ir_version = 0;
  // Initializers over 4 KiB keep name, type and dims but no values: enough for shape
  // inference (which reads the values only of small shape-like tensors), not a model to save.
  bool structure_only = false;
};

// Reads an ONNX model file. Initializers become constant values (also when the model lists
// them as graph inputs); subgraph references to outer values become placeholder values named
// like the outer value. Errors name the file.
StatusOr<std::shared_ptr<ir::Graph>> LoadModel(const std::string& path,
                                               const LoadOptions& options = {});
// Same from serialized bytes; external data is refused (there is no folder to read it from).
StatusOr<std::shared_ptr<ir::Graph>> LoadModelFromBytes(const std::string& bytes,
                                                        const LoadOptions& options = {});

// Writes the graph as an ONNX model: to a temporary sibling file, renamed into place only
// when complete. Initializers are stored as raw_data.
Status SaveModel(const ir::Graph& graph, const std::string& path, const SaveOptions& options = {});

// Lower-level conversions (used by the above and by tests).
StatusOr<std::shared_ptr<ir::Graph>> GraphFromModelProto(const ::onnx::ModelProto& model,
                                                         const std::string& model_dir);
// Same, moving the main graph's initializer data out of `model`: each initializer is left
// as an empty tensor ([0]) of its name and type as soon as the graph holds it, so the proto
// and the graph never hold all weights twice. The onnx checker still accepts what is left
// (it checks types and structure, not initializer values).
StatusOr<std::shared_ptr<ir::Graph>> TakeGraphFromModelProto(::onnx::ModelProto* model,
                                                             const std::string& model_dir);
Status GraphToModelProto(const ir::Graph& graph, const SaveOptions& options,
                         ::onnx::ModelProto* model);

// Fills in dtypes and shapes of values the graph does not type yet, using onnx shape
// inference (values already typed keep their information).
Status InferShapes(ir::Graph& graph);

// Lifts a graph to `target_opset` of the default domain with the onnx library's version
// converter (onnx/version_converter/convert.h, which adapts each node whose op changed
// between the two opsets). Value names are kept. The converter's errors (no adapter for an
// op's version step) come back as a Status naming both opsets.
StatusOr<std::shared_ptr<ir::Graph>> UpgradeOpset(const ir::Graph& graph, int64_t target_opset);

// The IR version SaveModel writes for a default-domain opset: 8 up to opset 17 (onnx 1.12,
// the newest IR the installed checker knows, and valid with every older opset: IR versions
// only add features), 9 for opsets 18..20, 10 beyond (onnx's VERSION_TABLE).
int64_t IrVersionForOpset(int64_t opset);

}  // namespace ferry::onnx
