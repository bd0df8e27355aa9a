// ONNX -> TensorFlow graph conversion: IR(onnx) in, IR(tf) out (domain "tf", TF op names
// and attribute kinds, NHWC activations inside, ONNX's NCHW signature at the boundary).
//
// Stages (docs/ARCHITECTURE.md): check every node has a converter (all missing ones are
// reported in one error), infer shapes and fold shape arithmetic (passes/infer_facts.h),
// decide layouts (passes/to_nhwc.h), then lower each node with its OpConverter (ops/).
#pragma once

#include <memory>

#include "core/status.h"
#include "ir/graph.h"

namespace ferry::convert {

struct ConvertOptions {
  // Graph name of the result; the ONNX graph's name when empty.
  std::string graph_name;
  // No layout change (passes/to_nhwc.h PlanOptions::keep_nchw): ONNX's NCHW everywhere,
  // Conv/pools/BatchNormalization/Resize run NHWC between a Transpose pair.
  bool keep_nchw = false;
  // The signature takes 4-D inputs NHWC: their Placeholder shapes are permuted and no
  // Transpose follows them (a convnet then holds no Transpose at all).
  bool input_nhwc = false;
  // A model whose ops have converters only for a newer opset is first lifted to that opset
  // with the onnx library's version converter (onnx::UpgradeOpset).
  bool lift_opset = true;
  // After lowering, fold the Transposes TF can express otherwise (passes/fold_transposes.h:
  // Transpose/Reshape chains into one Reshape or GatherV2, Transposes around MatMul into
  // adj flags or an Einsum). Not with keep_nchw.
  bool fold_transposes = true;
};

// The opset a model must be lifted to so that every node has a converter: 0 when the model's
// own opset suffices or when lifting cannot help (an op with no converter at any opset).
int64_t OpsetNeededForConversion(const ir::Graph& onnx);

// Converts an ONNX graph. Nothing is produced on error: the message names every
// unsupported op (type and node) at once, or the node and attribute TF cannot express.
// The result records, for every ONNX value that has one, its TF counterpart and the
// permutation between them (tf::SourceValue in tf/graph_def.h, kept in graph metadata and
// written into every TF format): `ferry check --per-node` compares through it.
StatusOr<std::shared_ptr<ir::Graph>> ConvertOnnxToTf(const ir::Graph& onnx,
                                                     const ConvertOptions& options = {});

}  // namespace ferry::convert
