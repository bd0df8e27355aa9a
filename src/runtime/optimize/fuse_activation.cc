// Conv/Gemm/MatMul + activation -> one node applying the activation to its output: a oneDNN
// eltwise post-op for Conv, for Gemm and MatMul with constant weights
// (kernels::ConstantWeightMatMul), else an in-cache pass. MatMul only with constant float
// [k, n] weights (pass_util.h IsConstantWeightMatMul), possibly with a fused bias. Activations: Relu, LeakyRelu-6,
// Sigmoid, Tanh, HardSwish-14 and Clip (attributes before opset 11, constant inputs after).
#include <cfloat>
#include <string>
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

// A scalar float constant (Clip-11's min/max), or nullptr.
bool ScalarFloat(const ir::Value* v, float* out) {
  if (!v || !v->is_constant()) return false;
  const Tensor& t = v->constant();
  if (t.dtype() != DataType::kFloat32 || t.NumElements() != 1) return false;
  *out = t.data<float>()[0];
  return true;
}

// Reads `act` as a fusable activation: its name and parameters.
bool Activation(const ir::Graph& g, const ir::Node* act, std::string* name, float* alpha,
                float* beta) {
  if (!act->domain().empty() || act->num_outputs() != 1) return false;
  const std::string& op = act->op_type();
  *alpha = 0.0f;
  *beta = 0.0f;
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "HardSwish") {
    if (act->num_inputs() != 1) return false;
  } else if (op == "LeakyRelu") {
    if (act->num_inputs() != 1) return false;
    *alpha = act->GetFloat("alpha", 0.01f);
  } else if (op == "Clip") {
    const int64_t opset = g.opset("");
    if (opset != 0 && opset < 11) {
      *alpha = act->GetFloat("min", -FLT_MAX);
      *beta = act->GetFloat("max", FLT_MAX);
    } else {
      *alpha = -FLT_MAX;
      *beta = FLT_MAX;
      if (act->input(1) && !ScalarFloat(act->input(1), alpha)) return false;
      if (act->input(2) && !ScalarFloat(act->input(2), beta)) return false;
    }
  } else {
    return false;
  }
  *name = op;
  return true;
}

bool FuseOne(ir::Graph& g, ir::Node* n) {
  const bool conv = IsOnnx(n, "Conv");
  // Conv: the 2-D kernels apply the activation (the 3-D direct kernel does not).
  if (conv ? !IsCachedConv2D(n) : !IsOnnx(n, "Gemm") && !IsConstantWeightMatMul(n)) return false;
  if (n->num_outputs() != 1 || n->has_attr(kActivationAttr)) return false;
  ir::Value* y = n->output(0);
  if (!SingleUse(g, y)) return false;
  ir::Node* act = y->users()[0];
  std::string name;
  float alpha, beta;
  if (act->input(0) != y || !Activation(g, act, &name, &alpha, &beta)) return false;
  ir::Node* fused = Absorb(g, n, act, n->inputs());
  fused->set_attr(kActivationAttr, ir::Attribute::String(name));
  if (name == "Clip" || name == "LeakyRelu")
    fused->set_attr(kActivationAlphaAttr, ir::Attribute::Float(alpha));
  if (name == "Clip") fused->set_attr(kActivationBetaAttr, ir::Attribute::Float(beta));
  return true;
}

}  // namespace

int FuseActivation(ir::Graph& g) {
  std::vector<ir::Node*> candidates;
  for (const auto& n : g.nodes())
    if (IsOnnx(n.get(), "Conv") || IsOnnx(n.get(), "Gemm") || IsOnnx(n.get(), "MatMul"))
      candidates.push_back(n.get());
  int fused = 0;
  for (ir::Node* n : candidates) fused += FuseOne(g, n) ? 1 : 0;
  return fused;
}

}  // namespace ferry::runtime::optimize
