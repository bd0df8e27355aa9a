// Pass 1: facts (dtype, symbolic shape, known integer elements) of every ONNX value, from
// the graph inputs and initializers through each node's OpConverter::Infer. Shape
// arithmetic whose elements all become known is folded: its outputs carry `constant` and
// the driver emits them as TF Consts instead of lowering the nodes.
#pragma once

#include <unordered_map>
#include <vector>

#include "convert/onnx_to_tf/op_converter.h"

namespace ferry::convert::onnx_to_tf {

using ConverterOf = std::unordered_map<const ir::Node*, const OpConverter*>;

Status InferFacts(const ir::Graph& g, const std::vector<ir::Node*>& order,
                  const ConverterOf& converters, FactsMap* facts);

}  // namespace ferry::convert::onnx_to_tf
