// Constant folding: a node whose every input is known at load time (an initializer, a
// Constant node's output, an earlier folded result) is run once through the op set itself,
// so folding can never disagree with running, and its outputs become constants. Shape (and
// Size) of a graph input folds too: Session::Run checks every known input dim, so a fully
// known input shape is a promise (ONNX Shape-15 start/end honoured).
#include <memory>
#include <set>
#include <string>

#include "runtime/optimize/optimize.h"
#include "runtime/session.h"

namespace ferry::runtime::optimize {
namespace {

// Ops whose outputs differ between runs, or that are not pure functions of their inputs.
bool Nondeterministic(const ir::Node& n) {
  static const std::set<std::string> kOps = {"RandomNormal",     "RandomUniform",
                                             "RandomNormalLike", "RandomUniformLike",
                                             "Multinomial",      "Bernoulli"};
  return kOps.count(n.op_type()) != 0;
}

// Outputs larger than this stay computed at run time: folding would only trade a cheap op
// (an Expand, a ConstantOfShape) for resident memory.
constexpr size_t kMaxFoldedBytes = size_t{16} << 20;

bool IsGraphInput(const ir::Graph& g, const ir::Value* v) {
  for (const ir::Value* in : g.inputs())
    if (in == v) return true;
  return false;
}

// The static shape of graph input v, if every dim is known.
bool StaticInputShape(const ir::Graph& g, const ir::Value* v, std::vector<int64_t>* dims) {
  if (!v || !IsGraphInput(g, v) || v->is_constant() || !v->info().shape) return false;
  dims->clear();
  for (const ir::Dim& d : *v->info().shape) {
    if (!d.known()) return false;
    dims->push_back(d.value);
  }
  return true;
}

// Shape / Size of a statically shaped graph input, computed here rather than by the op (which
// would need a tensor of that shape).
bool FoldShapeOf(ir::Graph& g, ir::Node* n) {
  if (!n->domain().empty() || (n->op_type() != "Shape" && n->op_type() != "Size") ||
      n->num_outputs() != 1 || !n->output(0))
    return false;
  std::vector<int64_t> dims;
  if (!StaticInputShape(g, n->input(0), &dims)) return false;
  Tensor t;
  if (n->op_type() == "Size") {
    int64_t count = 1;
    for (int64_t d : dims) count *= d;
    t = Tensor::Scalar<int64_t>(count);
  } else {
    // Shape-15: start/end clamp like Python slices, negatives count from the back.
    const int64_t r = static_cast<int64_t>(dims.size());
    auto clamp = [r](int64_t i) {
      if (i < 0) i += r;
      return i < 0 ? 0 : (i > r ? r : i);
    };
    const int64_t start = clamp(n->GetInt("start", 0)), end = clamp(n->GetInt("end", r));
    std::vector<int64_t> out;
    for (int64_t i = start; i < end; ++i) out.push_back(dims[i]);
    t = Tensor::FromVector<int64_t>(out, Shape{static_cast<int64_t>(out.size())});
  }
  ir::Value* v = n->output(0);
  g.RemoveNode(n);
  v->set_constant(std::move(t));
  return true;
}

// Runs n through its op when every input is constant; replaces it by its outputs. The node
// runs in a one-node session of the same op set (unoptimized), exactly as it would at run
// time.
bool FoldNode(ir::Graph& g, const OpSet& ops, ir::Node* n) {
  if (Nondeterministic(*n) || n->num_outputs() == 0) return false;
  for (const auto& [k, a] : n->attrs())
    if (a.kind() == ir::AttrKind::kGraph || a.kind() == ir::AttrKind::kGraphs) return false;
  bool any_input = false;
  for (const ir::Value* v : n->inputs()) {
    if (!v) continue;
    // An initializer that is also a graph input is only a default: the caller may override it.
    if (!v->is_constant() || IsGraphInput(g, v)) return false;
    any_input = true;
  }
  // Input-less nodes fold only when they are Constant-like (not e.g. an op reading state).
  if (!any_input && n->op_type() != "Constant" && n->op_type() != "ConstantOfShape" &&
      n->op_type() != "EyeLike")
    return false;
  for (const ir::Value* o : n->outputs())
    if (!o) return false;

  auto one = std::make_shared<ir::Graph>();
  one->opset_imports() = g.opset_imports();
  std::vector<ir::Value*> ins;
  for (const ir::Value* v : n->inputs())
    ins.push_back(v ? one->AddConstant(v->name(), v->constant()) : nullptr);
  std::vector<std::string> out_names;
  for (const ir::Value* o : n->outputs()) out_names.push_back(o->name());
  ir::Node* copy = one->AddNode(n->op_type(), n->domain(), n->name(), ins, out_names);
  for (const auto& [k, a] : n->attrs()) copy->set_attr(k, a);
  for (ir::Value* o : copy->outputs()) one->outputs().push_back(o);
  SessionOptions options;
  options.num_threads = 1;
  options.optimize = false;
  auto session = Session::Create(one, ops, options);
  if (!session.ok()) return false;
  // A failing op is left in place: the session reports the same error when it runs.
  auto outs = (*session)->Run(std::vector<Tensor>{});
  if (!outs.ok() || outs->size() != static_cast<size_t>(n->num_outputs())) return false;
  size_t bytes = 0;
  for (const Tensor& t : *outs) {
    if (!t.defined()) return false;
    bytes += t.NumBytes();
  }
  if (bytes > kMaxFoldedBytes) return false;
  std::vector<ir::Value*> values = n->outputs();
  g.RemoveNode(n);
  for (size_t i = 0; i < values.size(); ++i) values[i]->set_constant((*outs)[i]);
  return true;
}

}  // namespace

int FoldConstants(ir::Graph& g, const OpSet& ops) {
  auto order = g.TopologicalOrder();
  if (!order.ok()) return 0;
  int folded = 0;
  for (ir::Node* n : *order) {
    if (FoldShapeOf(g, n) || FoldNode(g, ops, n)) ++folded;
  }
  return folded;
}

}  // namespace ferry::runtime::optimize
