// Conv + BatchNormalization (inference) -> one Conv with rescaled weights and bias:
//   BN(y) = (y - mean) * s + B with s = scale / sqrt(var + epsilon)   (ONNX
//   BatchNormalization-15), and y = W * x + b, so BN(conv(x)) = (s W) * x + ((b - mean) s + B).
// New constants are made; the originals may be shared with the caller's graph.
#include <cmath>
#include <vector>

#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

// A constant float vector of n elements.
const float* ChannelVector(const ir::Value* v, int64_t n) {
  if (!v || !v->is_constant()) return nullptr;
  const Tensor& t = v->constant();
  if (t.dtype() != DataType::kFloat32 || t.rank() != 1 || t.dim(0) != n) return nullptr;
  return t.data<float>();
}

// BN in inference mode whose extra outputs (training only) nobody reads.
bool InferenceBatchNorm(const ir::Graph& g, const ir::Node* bn) {
  if (!IsOnnx(bn, "BatchNormalization") || bn->num_inputs() != 5) return false;
  if (bn->GetInt("training_mode", 0) != 0) return false;
  if (g.opset("") < 9 && g.opset("") != 0 && bn->GetInt("spatial", 1) != 1) return false;
  for (int i = 1; i < bn->num_outputs(); ++i) {
    const ir::Value* o = bn->output(i);
    if (o && (!o->users().empty() || g.IsGraphOutput(o))) return false;
  }
  return true;
}

bool FoldOne(ir::Graph& g, ir::Node* conv) {
  if (!IsOnnx(conv, "Conv") || conv->num_inputs() < 2 || conv->num_outputs() != 1) return false;
  const ir::Value* wv = conv->input(1);
  if (!wv || !wv->is_constant() || wv->constant().dtype() != DataType::kFloat32 ||
      wv->constant().rank() < 3)
    return false;
  if (conv->has_attr("_ferry_activation") || conv->has_attr("_ferry_residual")) return false;
  ir::Value* y = conv->output(0);
  if (!SingleUse(g, y)) return false;
  ir::Node* bn = y->users()[0];
  if (!InferenceBatchNorm(g, bn) || bn->input(0) != y) return false;
  const Tensor& w = wv->constant();
  const int64_t oc = w.dim(0);
  const float* scale = ChannelVector(bn->input(1), oc);
  const float* shift = ChannelVector(bn->input(2), oc);
  const float* mean = ChannelVector(bn->input(3), oc);
  const float* var = ChannelVector(bn->input(4), oc);
  if (!scale || !shift || !mean || !var) return false;
  const ir::Value* bv = conv->input(2);
  const float* bias = bv ? ChannelVector(bv, oc) : nullptr;
  if (bv && !bias) return false;
  const double eps = bn->GetFloat("epsilon", 1e-5f);

  Tensor nw(DataType::kFloat32, w.shape());
  Tensor nb(DataType::kFloat32, Shape{oc});
  const int64_t per = w.NumElements() / oc;
  for (int64_t o = 0; o < oc; ++o) {
    const double s = scale[o] / std::sqrt(static_cast<double>(var[o]) + eps);
    for (int64_t i = 0; i < per; ++i)
      nw.data<float>()[o * per + i] = static_cast<float>(w.data<float>()[o * per + i] * s);
    const double b0 = bias ? bias[o] : 0.0;
    nb.data<float>()[o] = static_cast<float>((b0 - mean[o]) * s + shift[o]);
  }
  ir::Value* x = conv->input(0);
  ir::Value* w_new = g.AddConstant(g.UniqueName(wv->name() + "_bn"), std::move(nw));
  ir::Value* b_new = g.AddConstant(g.UniqueName(conv->name() + "_bn_bias"), std::move(nb));
  Absorb(g, conv, bn, {x, w_new, b_new});
  return true;
}

}  // namespace

int FoldBatchNorm(ir::Graph& g) {
  std::vector<ir::Node*> convs;
  for (const auto& n : g.nodes())
    if (IsOnnx(n.get(), "Conv")) convs.push_back(n.get());
  int folded = 0;
  for (ir::Node* c : convs) folded += FoldOne(g, c) ? 1 : 0;
  return folded;
}

}  // namespace ferry::runtime::optimize
