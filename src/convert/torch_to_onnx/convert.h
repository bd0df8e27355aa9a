// IR(aten) -> IR(onnx): the TorchScript export's converter. One mapping per aten op family
// in ops/ (registered through ops/ops.inc); this file drives them in graph order.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "convert/torch_to_onnx/aten_graph.h"
#include "core/status.h"
#include "ir/graph.h"

namespace ferry::convert::torch_to_onnx {

struct TorchExportOptions {
  int opset = 13;                               // 13..17
  std::vector<std::vector<int64_t>> input_shapes;  // one per forward input
  std::vector<DataType> input_dtypes;           // one per input; empty: float32
  std::vector<std::string> input_names;         // empty: forward's argument names
  std::vector<std::string> output_names;        // empty: output_0, output_1, ...
  bool dynamic_batch = false;                   // dim 0 of every input named "batch_size"
};

// Converts the graph. Every aten op without a mapping is reported in one error, with the
// Python source lines that made it; nothing is returned then.
StatusOr<std::shared_ptr<ir::Graph>> ConvertAtenToOnnx(const AtenGraph& aten,
                                                       const TorchExportOptions& options);

// The op kinds the graph uses that have no mapping (in-place variants "aten::relu_" map
// through their functional op), each with its source locations: "aten::foo (a.py:3, a.py:9)".
std::vector<std::string> UnsupportedOps(const AtenGraph& aten);

// The distinct node kinds of the graph, sorted.
std::vector<std::string> AtenOpKinds(const AtenGraph& aten);

}  // namespace ferry::convert::torch_to_onnx
