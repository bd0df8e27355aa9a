// torch's decomposed LayerNorm -> one ai.ferry:LayerNormalization node. torch.onnx below
// opset 17 exports nn.LayerNorm as nine nodes over the last axis:
//   mean = ReduceMean(x, axes=[-1]);  d = Sub(x, mean);  v = ReduceMean(Pow(d, 2), axes=[-1])
//   y = Div(d, Sqrt(Add(v, eps)));    [y = Mul(y, scale)];  [y = Add(y, bias)]
// The fused op (onnx/ops/layer_normalization.cc, kernels::LayerNormSteps) computes the same
// float steps in one pass over each row, so its output equals the nodes' bitwise. Matched
// only when every intermediate has no other reader, eps is a float scalar constant and scale
// and bias are constant float vectors (broadcast along the last axis only).
#include <string>
#include <utility>
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

// The one reader of v when it is a default-domain `op` and v is not a graph output.
ir::Node* OnlyUser(const ir::Graph& g, const ir::Value* v, const char* op) {
  if (!SingleUse(g, v)) return nullptr;
  ir::Node* u = v->users()[0];
  return IsOnnx(u, op) && u->num_outputs() == 1 ? u : nullptr;
}

bool FloatScalar(const ir::Value* v, float* out) {
  if (!v || !v->is_constant()) return false;
  const Tensor& t = v->constant();
  if (t.dtype() != DataType::kFloat32 || t.NumElements() != 1) return false;
  *out = t.data<float>()[0];
  return true;
}

// A constant float vector: scale or bias broadcast along the last axis.
bool FloatVector(const ir::Value* v) {
  return v && v->is_constant() && v->constant().dtype() == DataType::kFloat32 &&
         v->constant().rank() == 1;
}

// ReduceMean of `x` over its last axis only, keeping dims.
bool LastAxisMean(const ir::Node* n, const ir::Value* x) {
  if (!IsOnnx(n, "ReduceMean") || n->input(0) != x || n->num_outputs() != 1) return false;
  if (n->GetInt("keepdims", 1) != 1) return false;
  std::vector<int64_t> axes;
  if (n->num_inputs() > 1 && n->input(1)) {  // ReduceMean-18: axes as an input
    const ir::Value* a = n->input(1);
    if (!a->is_constant() || a->constant().dtype() != DataType::kInt64) return false;
    const Tensor& t = a->constant();
    axes.assign(t.data<int64_t>(), t.data<int64_t>() + t.NumElements());
  } else {
    axes = n->GetInts("axes");
  }
  if (axes.size() != 1) return false;
  if (axes[0] == -1) return true;
  const auto& shape = x->info().shape;
  return shape && !shape->empty() && axes[0] == static_cast<int64_t>(shape->size()) - 1;
}

// The other input of a two-input node, given one.
ir::Value* Other(const ir::Node* n, const ir::Value* one) {
  if (n->num_inputs() != 2) return nullptr;
  if (n->input(0) == one) return n->input(1) == one ? nullptr : n->input(1);
  return n->input(1) == one ? n->input(0) : nullptr;
}

bool FuseOne(ir::Graph& g, ir::Node* mean) {
  ir::Value* x = mean->input(0);
  if (!x || !LastAxisMean(mean, x)) return false;
  ir::Node* sub = OnlyUser(g, mean->output(0), "Sub");
  if (!sub || sub->num_inputs() != 2 || sub->input(0) != x || sub->input(1) != mean->output(0))
    return false;
  ir::Value* d = sub->output(0);
  if (g.IsGraphOutput(d) || d->users().size() != 2) return false;
  ir::Node* pow = d->users()[0];
  ir::Node* div = d->users()[1];
  if (IsOnnx(pow, "Div")) std::swap(pow, div);
  float two = 0.0f;
  if (!IsOnnx(pow, "Pow") || pow->num_inputs() != 2 || pow->input(0) != d ||
      !FloatScalar(pow->input(1), &two) || two != 2.0f || pow->num_outputs() != 1)
    return false;
  if (!IsOnnx(div, "Div") || div->num_inputs() != 2 || div->input(0) != d ||
      div->num_outputs() != 1)
    return false;
  ir::Node* var = OnlyUser(g, pow->output(0), "ReduceMean");
  if (!var || !LastAxisMean(var, pow->output(0))) return false;
  ir::Node* add_eps = OnlyUser(g, var->output(0), "Add");
  float eps = 0.0f;
  if (!add_eps || !FloatScalar(Other(add_eps, var->output(0)), &eps)) return false;
  ir::Node* sqrt = OnlyUser(g, add_eps->output(0), "Sqrt");
  if (!sqrt || sqrt->num_inputs() != 1 || !SingleUse(g, sqrt->output(0)) ||
      sqrt->output(0)->users()[0] != div || div->input(1) != sqrt->output(0))
    return false;

  std::vector<ir::Node*> removed = {mean, sub, pow, var, add_eps, sqrt, div};
  ir::Value* out = div->output(0);
  ir::Value* scale = nullptr;
  ir::Value* bias = nullptr;
  if (ir::Node* mul = OnlyUser(g, out, "Mul")) {
    if (FloatVector(Other(mul, out))) {
      scale = Other(mul, out);
      removed.push_back(mul);
      out = mul->output(0);
      if (ir::Node* add = OnlyUser(g, out, "Add")) {
        if (FloatVector(Other(add, out))) {
          bias = Other(add, out);
          removed.push_back(add);
          out = add->output(0);
        }
      }
    }
  }
  const std::string name = mean->name();
  for (ir::Node* n : removed) g.RemoveNode(n);
  ir::Node* ln = g.AddNodeWithOutputs("LayerNormalization", kFerryDomain, name,
                                      {x, scale, bias}, {out});
  ln->set_attr("epsilon", ir::Attribute::Float(eps));
  return true;
}

}  // namespace

int FuseLayerNorm(ir::Graph& g) {
  std::vector<ir::Node*> means;
  for (const auto& n : g.nodes())
    if (IsOnnx(n.get(), "ReduceMean")) means.push_back(n.get());
  int fused = 0;
  for (ir::Node* n : means) {
    // A ReduceMean removed by an earlier match (the variance of a layer norm) is skipped:
    // it is gone from the graph's node list.
    bool alive = false;
    for (const auto& m : g.nodes()) alive = alive || m.get() == n;
    if (alive && FuseOne(g, n)) ++fused;
  }
  if (fused) g.opset_imports()[kFerryDomain] = 1;
  return fused;
}

}  // namespace ferry::runtime::optimize
