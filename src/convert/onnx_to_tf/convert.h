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
};

// Converts an ONNX graph. Nothing is produced on error: the message names every
// unsupported op (type and node) at once, or the node and attribute TF cannot express.
StatusOr<std::shared_ptr<ir::Graph>> ConvertOnnxToTf(const ir::Graph& onnx,
                                                     const ConvertOptions& options = {});

}  // namespace ferry::convert
