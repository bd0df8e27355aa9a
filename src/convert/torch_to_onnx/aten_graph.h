// IR(aten): a TorchScript graph after inlining, freezing and constant propagation, as plain
// C++ data. src/torch/torchscript_reader.cc (the only code that walks libtorch's graph) fills
// it in; the converter to ONNX (convert.h, ops/) reads it without including libtorch.
//
// Values are numbered; node inputs and outputs refer to them by index. prim::Constant nodes
// do not appear: their outputs are values with `constant` (tensors, numbers and lists as
// ferry Tensors), `str` (strings) or kind kNone. Node kinds are TorchScript's qualified
// names ("aten::_convolution", "prim::ListConstruct").
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/tensor.h"

namespace ferry::convert::torch_to_onnx {

// TorchScript's type of a value (c10::Type), as far as the converter cares.
enum class AtenKind {
  kTensor,
  kInt,         // Python int: constant int64 scalar
  kFloat,       // Python float: constant float64 scalar
  kBool,        // constant bool scalar
  kString,      // in AtenValue::str
  kNone,
  kIntList,     // constant int64 [n]
  kFloatList,   // constant float64 [n]
  kBoolList,    // constant bool [n]
  kTensorList,
  kDevice,      // a device or other value the converter ignores
  kOther,
};

struct AtenValue {
  std::string name;  // TorchScript's debug name ("input.1", "x"), unique in the graph
  AtenKind kind = AtenKind::kTensor;
  // For tensors: dtype and sizes seen when the graph ran on the example inputs
  // (kUndefined / nullopt if it did not run). Sizes are those of the example inputs.
  DataType dtype = DataType::kUndefined;
  std::optional<std::vector<int64_t>> sizes;
  std::optional<Tensor> constant;  // set for constants (numbers and lists as tensors)
  std::string str;                 // kString constants
  std::vector<Tensor> tensors;     // kTensorList constants (an RNN's frozen parameters)
};

struct AtenNode {
  std::string kind;         // "aten::conv2d"
  std::vector<int> inputs;  // value indices
  std::vector<int> outputs;
  std::string source;       // "model.py:42" (the Python line that made it), or ""
  std::string scope;        // module scope of traced graphs ("__module.layer1/...") or ""
};

struct AtenGraph {
  std::string origin;  // the file it was read from, for messages
  std::vector<AtenValue> values;
  std::vector<AtenNode> nodes;  // in execution order
  std::vector<int> inputs;      // forward's tensor arguments (self excluded)
  std::vector<std::string> input_names;  // forward's argument names
  std::vector<int> outputs;     // flattened tuple outputs
};

}  // namespace ferry::convert::torch_to_onnx
