// MatMul(x, W) + Add(bias) -> one MatMul reading the bias as input 2 (`_ferry_bias`), when W
// is a constant float [k, n] and the bias a constant float [n] (or [1, ..., 1, n] no longer
// than x's known rank, so the Add cannot broadcast the output any wider). torch 1.13 exports
// nn.Linear on 3-D inputs, and every projection of nn.MultiheadAttention and
// nn.TransformerEncoderLayer's feed-forward, this way. The op adds the bias inside oneDNN's
// inner product (kernels::ConstantWeightMatMul) as it writes the output; an activation after
// the Add is then fused by FuseActivation.
#include <algorithm>
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

// A bias the fused MatMul can add for weights with n columns reading x.
bool IsRowBias(const ir::Value* bias, int64_t n, const ir::Value* x) {
  if (!bias || !bias->is_constant()) return false;
  const Tensor& t = bias->constant();
  if (t.dtype() != DataType::kFloat32 || t.rank() < 1 || t.dim(t.rank() - 1) != n) return false;
  for (int d = 0; d + 1 < t.rank(); ++d)
    if (t.dim(d) != 1) return false;
  if (t.rank() == 1) return true;
  return x->info().shape && static_cast<int>(x->info().shape->size()) >= t.rank();
}

bool FuseOne(ir::Graph& g, ir::Node* mm) {
  if (!IsConstantWeightMatMul(mm) || mm->num_inputs() != 2 || mm->num_outputs() != 1 ||
      mm->has_attr(kActivationAttr) || mm->has_attr(kBiasAttr))
    return false;
  ir::Value* y = mm->output(0);
  if (!SingleUse(g, y)) return false;
  ir::Node* add = y->users()[0];
  if (!IsOnnx(add, "Add") || add->num_inputs() != 2 || add->num_outputs() != 1) return false;
  ir::Value* bias = add->input(0) == y ? add->input(1) : add->input(0);
  if (bias == y) return false;  // y + y
  const int64_t n = mm->input(1)->constant().dim(1);
  if (!IsRowBias(bias, n, mm->input(0))) return false;
  // Kept as an n-element row whatever its rank: the op reads n floats.
  ir::Value* row = bias;
  if (bias->constant().rank() != 1) {
    Tensor flat(DataType::kFloat32, Shape{n});
    const float* src = bias->constant().data<float>();
    std::copy(src, src + n, flat.data<float>());
    row = g.AddConstant(g.UniqueName(bias->name() + "_row"), std::move(flat));
  }
  ir::Node* fused = Absorb(g, mm, add, {mm->input(0), mm->input(1), row});
  fused->set_attr(kBiasAttr, ir::Attribute::Int(1));
  return true;
}

}  // namespace

int FuseMatMulBias(ir::Graph& g) {
  std::vector<ir::Node*> candidates;
  for (const auto& n : g.nodes())
    if (IsConstantWeightMatMul(n.get())) candidates.push_back(n.get());
  int fused = 0;
  for (ir::Node* n : candidates) fused += FuseOne(g, n) ? 1 : 0;
  return fused;
}

}  // namespace ferry::runtime::optimize
