#include "runtime/prepare.h"

#include <map>
#include <set>
#include <string>
#include <vector>

#include "runtime/optimize/optimize.h"

namespace ferry::runtime {
namespace {

// ONNX ops whose output shapes follow from their input shapes and attributes alone.
const std::set<std::string>& ShapeOnlyOps() {
  static const std::set<std::string> kOps = {
      // elementwise and broadcasting
      "Abs", "Acos", "Acosh", "Add", "And", "Asin", "Asinh", "Atan", "Atanh", "BitShift",
      "BitwiseAnd", "BitwiseNot", "BitwiseOr", "BitwiseXor", "Cast", "CastLike", "Ceil",
      "Celu", "Clip", "Cos", "Cosh", "Div", "Dropout", "Elu", "Equal", "Erf", "Exp", "Floor",
      "Gelu", "Greater", "GreaterOrEqual", "HardSigmoid", "HardSwish", "Identity", "IsInf",
      "IsNaN", "LeakyRelu", "Less", "LessOrEqual", "Log", "Max", "Mean", "Min", "Mish", "Mod",
      "Mul", "Neg", "Not", "Or", "Pow", "PRelu", "Reciprocal", "Relu", "Round", "Selu",
      "Shrink", "Sigmoid", "Sign", "Sin", "Sinh", "Softplus", "Softsign", "Sqrt", "Sub", "Sum",
      "Tan", "Tanh", "ThresholdedRelu", "Where", "Xor",
      // shape from input shapes and attributes
      "ArgMax", "ArgMin", "AveragePool", "BatchNormalization", "Concat", "Conv",
      "ConvTranspose", "CumSum", "DepthToSpace", "Einsum", "Flatten", "Gather",
      "GatherElements", "GatherND", "Gemm", "GlobalAveragePool", "GlobalLpPool",
      "GlobalMaxPool", "Hardmax", "InstanceNormalization", "LayerNormalization", "LogSoftmax",
      "LpNormalization", "LpPool", "LRN", "MatMul", "MaxPool", "MeanVarianceNormalization",
      "ScatterElements", "ScatterND", "Shape", "Size", "Softmax", "SpaceToDepth", "Transpose",
      "Trilu"};
  return kOps;
}

// ONNX ops whose output shapes also depend on the values of these inputs: they count as
// shape-static only once those inputs are constants.
const std::map<std::string, std::vector<int>>& ValueSteeredOps() {
  static const std::map<std::string, std::vector<int>> kOps = {
      {"ConstantOfShape", {0}}, {"Expand", {1}},          {"OneHot", {1}},
      {"Pad", {1, 3}},          {"Range", {0, 1, 2}},     {"ReduceL1", {1}},
      {"ReduceL2", {1}},        {"ReduceLogSum", {1}},    {"ReduceLogSumExp", {1}},
      {"ReduceMax", {1}},       {"ReduceMean", {1}},      {"ReduceMin", {1}},
      {"ReduceProd", {1}},      {"ReduceSum", {1}},       {"ReduceSumSquare", {1}},
      {"Reshape", {1}},         {"Resize", {1, 2, 3}},    {"Slice", {1, 2, 3, 4}},
      {"Split", {1}},           {"Squeeze", {1}},         {"Tile", {1}},
      {"TopK", {1}},            {"Unsqueeze", {1}},       {"Upsample", {1}}};
  return kOps;
}

bool HasSubgraph(const ir::Node& n) {
  for (const auto& [k, a] : n.attrs())
    if (a.kind() == ir::AttrKind::kGraph || a.kind() == ir::AttrKind::kGraphs) return true;
  return false;
}

bool IsShapeStaticNode(const ir::Node& n, const std::set<const ir::Value*>& known,
                       const std::set<const ir::Value*>& graph_inputs) {
  if (!n.domain().empty() || HasSubgraph(n)) return false;
  const bool shape_only = ShapeOnlyOps().count(n.op_type()) != 0;
  auto steered = ValueSteeredOps().find(n.op_type());
  if (!shape_only && steered == ValueSteeredOps().end()) return false;
  for (int i = 0; i < n.num_inputs(); ++i) {
    const ir::Value* v = n.input(i);
    if (!v) continue;
    if (!known.count(v)) return false;
    if (!shape_only) {
      const auto& idx = steered->second;
      bool steers = false;
      for (int j : idx) steers |= j == i;
      // An initializer that is also a graph input is only a default: callers may override it.
      if (steers && (!v->is_constant() || graph_inputs.count(v))) return false;
    }
  }
  return true;
}

// Replaces n (Shape or Size) by its recorded value.
void ReplaceByConstant(ir::Graph& g, ir::Node* n, const Tensor& value) {
  ir::Value* out = n->output(0);
  g.RemoveNode(n);
  out->set_constant(value);
}

}  // namespace

std::set<const ir::Value*> ShapeStaticValues(const ir::Graph& g) {
  std::set<const ir::Value*> known;
  for (const ir::Value* v : g.values())
    if (v->is_constant()) known.insert(v);
  for (const ir::Value* v : g.inputs()) {
    known.erase(v);  // an input's shape is the caller's, whatever its default
    if (!v->info().shape) continue;
    bool all = true;
    for (const ir::Dim& d : *v->info().shape) all &= d.known();
    if (all) known.insert(v);
  }
  const std::set<const ir::Value*> graph_inputs(g.inputs().begin(), g.inputs().end());
  auto order = g.TopologicalOrder();
  if (!order.ok()) return known;
  for (const ir::Node* n : *order) {
    if (!IsShapeStaticNode(*n, known, graph_inputs)) continue;
    for (const ir::Value* o : n->outputs())
      if (o) known.insert(o);
  }
  return known;
}

StatusOr<std::shared_ptr<ir::Graph>> SpecializeGraph(const ir::Graph& g,
                                                     const std::vector<Shape>& input_shapes,
                                                     const std::map<std::string, Tensor>& recorded,
                                                     const OpSet& ops, PrepareStats* stats) {
  if (input_shapes.size() != g.inputs().size())
    return InvalidArgument("prepare: model takes " + std::to_string(g.inputs().size()) +
                           " inputs, got " + std::to_string(input_shapes.size()) + " shapes");
  std::shared_ptr<ir::Graph> copy = optimize::CopyGraph(g);
  for (size_t i = 0; i < input_shapes.size(); ++i) {
    ir::ValueInfo& info = copy->inputs()[i]->info();
    const std::vector<int64_t>& dims = input_shapes[i].dims();
    if (info.shape && info.shape->size() != dims.size())
      return InvalidArgument("prepare: input '" + copy->inputs()[i]->name() + "' has rank " +
                             std::to_string(dims.size()) + ", expected " + info.ShapeString());
    info.shape.emplace();
    for (int64_t d : dims) info.shape->push_back(ir::Dim::Known(d));
  }
  PrepareStats local;
  // Each round folds the Shape nodes whose inputs became shape-static in the round before
  // (a Reshape is shape-static once its shape input folded), then the constants they feed.
  for (;;) {
    ++local.rounds;
    optimize::FoldConstants(*copy, ops);
    const std::set<const ir::Value*> known = ShapeStaticValues(*copy);
    std::vector<ir::Node*> fold;
    for (const auto& n : copy->nodes()) {
      if (!n->domain().empty() || (n->op_type() != "Shape" && n->op_type() != "Size")) continue;
      if (n->num_outputs() != 1 || !n->output(0) || n->num_inputs() < 1 || !n->input(0)) continue;
      if (!known.count(n->input(0)) || !recorded.count(n->output(0)->name())) continue;
      fold.push_back(n.get());
    }
    for (ir::Node* n : fold) ReplaceByConstant(*copy, n, recorded.at(n->output(0)->name()));
    local.folded_shape_nodes += static_cast<int>(fold.size());
    if (fold.empty()) break;
  }
  if (stats) *stats = local;
  return copy;
}

}  // namespace ferry::runtime
