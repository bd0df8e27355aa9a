// The state of one IR(aten) -> IR(onnx) conversion, and the helpers every op mapping uses:
// reading an aten input as a constant (int, float, list, string) or as an ONNX value, and
// emitting ONNX nodes whose output dtype (and rank, where known) are tracked for the
// mappings that need them (scalar operands take their tensor's dtype, as torch promotes).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "convert/torch_to_onnx/aten_graph.h"
#include "core/status.h"
#include "ir/graph.h"

namespace ferry::convert::torch_to_onnx {

class Ctx {
 public:
  Ctx(const AtenGraph& aten, ir::Graph& graph);

  const AtenGraph& aten() const { return aten_; }
  ir::Graph& graph() { return graph_; }
  int64_t opset() const { return graph_.opset(""); }

  // The node being converted and its inputs' descriptions.
  void set_node(const AtenNode* n) { node_ = n; }
  const AtenNode& node() const { return *node_; }
  int num_inputs() const { return static_cast<int>(node_->inputs.size()); }
  int num_outputs() const { return static_cast<int>(node_->outputs.size()); }
  const AtenValue& in_value(int i) const { return aten_.values[node_->inputs[i]]; }
  const AtenValue& out_value(int i) const { return aten_.values[node_->outputs[i]]; }

  // Constant inputs; nullopt when the input is not a constant of that kind.
  bool IsNone(int i) const;
  std::optional<int64_t> Int(int i) const;
  std::optional<double> Float(int i) const;  // also an int constant
  std::optional<bool> Bool(int i) const;
  std::optional<std::string> Str(int i) const;
  // A constant int list, or a prim::ListConstruct of constant ints, or a single int.
  std::optional<std::vector<int64_t>> Ints(int i) const;
  std::optional<std::vector<double>> Floats(int i) const;
  // The same, or an error naming the input.
  StatusOr<int64_t> RequireInt(int i, const std::string& what) const;
  StatusOr<std::vector<int64_t>> RequireInts(int i, const std::string& what) const;
  StatusOr<double> RequireFloat(int i, const std::string& what) const;
  StatusOr<bool> RequireBool(int i, const std::string& what) const;
  // The aten value ids a prim::ListConstruct fed into input i (a list of tensors), if it was.
  std::optional<std::vector<int>> ListElements(int i) const;

  // Input i as an ONNX value: tensors as they were converted, constants as initializers
  // (Python numbers as 0-d tensors, int lists as 1-D int64), dynamic int lists as a Concat.
  StatusOr<ir::Value*> In(int i);
  // Input i with dtype `dtype`: a number constant is made in that dtype, any other value
  // is Cast when its dtype is known to differ.
  StatusOr<ir::Value*> InAs(int i, DataType dtype);
  // An aten value by id (see In).
  StatusOr<ir::Value*> ValueOf(int id);

  // Tracked type information of ONNX values made here.
  DataType DtypeOf(const ir::Value* v) const;
  int RankOf(const ir::Value* v) const;  // -1: unknown
  // The rank of input i (from its ONNX value, or the aten shape propagation), or an error.
  StatusOr<int> RequireRank(int i) const;

  // New initializers.
  ir::Value* Const(Tensor t, const std::string& hint = "const");
  ir::Value* ConstInts(const std::vector<int64_t>& v);  // int64 [n]
  ir::Value* ConstInt(int64_t v);                       // int64 scalar
  ir::Value* ConstScalar(double v, DataType dtype);     // 0-d of dtype

  // Emits an ONNX node; its outputs get `dtype` (kUndefined: the first input's dtype) and
  // rank `rank` (-1: unknown).
  std::vector<ir::Value*> Ops(const std::string& op, std::vector<ir::Value*> inputs,
                              std::map<std::string, ir::Attribute> attrs, int num_outputs,
                              DataType dtype = DataType::kUndefined, int rank = -1);
  ir::Value* Op(const std::string& op, std::vector<ir::Value*> inputs,
                std::map<std::string, ir::Attribute> attrs = {},
                DataType dtype = DataType::kUndefined, int rank = -1);
  ir::Value* Cast(ir::Value* v, DataType to);
  // Unsqueeze/Squeeze/ReduceX with axes as attribute (< opset 13) or input (>= 13).
  ir::Value* Unsqueeze(ir::Value* v, const std::vector<int64_t>& axes);
  ir::Value* Squeeze(ir::Value* v, const std::vector<int64_t>& axes);
  // Shape(v)[index] as int64 [1] (keep_dims) or a scalar.
  ir::Value* DimOf(ir::Value* v, int64_t index, bool keep_dims);

  // Binds aten output i of the current node to an ONNX value; the dtype comes from the aten
  // type when shape propagation knew it, the rank likewise.
  void SetOutput(int i, ir::Value* v);
  // Binds an aten value id directly.
  void Bind(int id, ir::Value* v);
  bool IsBound(int id) const { return bound_.count(id) != 0 || lists_.count(id) != 0; }
  // Lists of tensors (aten::chunk's result, a prim::ListConstruct of tensors).
  void SetOutputList(int i, std::vector<ir::Value*> values);
  // Input i as a list of ONNX tensors: a list an op made, or a ListConstruct's elements.
  StatusOr<std::vector<ir::Value*>> InList(int i);

  // "aten::conv2d (model.py:12): msg"
  Status Error(const std::string& msg) const;

  // A name prefix for the current node's ONNX nodes.
  std::string NodeName(const std::string& op);

 private:
  const AtenGraph& aten_;
  ir::Graph& graph_;
  const AtenNode* node_ = nullptr;
  std::unordered_map<int, ir::Value*> bound_;
  std::unordered_map<int, std::vector<ir::Value*>> lists_;
  std::unordered_map<int, int> producer_;  // aten value id -> index in aten_.nodes
  std::unordered_map<const ir::Value*, DataType> dtype_;
  std::unordered_map<const ir::Value*, int> rank_;
  int counter_ = 0;
};

// Torch's type promotion for two operands, simplified: floats over ints, wider over narrower;
// kUndefined when either is unknown.
DataType PromoteTypes(DataType a, DataType b);
bool IsFloatType(DataType t);

}  // namespace ferry::convert::torch_to_onnx
