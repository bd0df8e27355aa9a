// ONNX Gemm (1, 6, 7, 9, 11, 13): Y = alpha * op(A) * op(B) + beta * C, C unidirectionally
// broadcast to [M, N] and optional from 11 on. The optimizer may fuse a following
// activation (runtime/optimize/fused_attrs.h). A constant float B (an initializer: torch's
// nn.Linear) with alpha 1 and no C, or a constant C of N elements and beta 1, runs through
// kernels::ConstantWeightMatMul: B packed once, C and the activation applied by oneDNN.
#include "kernels/gemm.h"

#include "onnx/ops/op_util.h"
#include "runtime/optimize/fused_attrs.h"

namespace ferry::onnx::ops {
namespace {

class Gemm final : public Op {
 public:
  explicit Gemm(const NodeInfo& info) {
    const ir::Node& n = info.node();
    trans_a_ = n.GetInt("transA", 0) != 0;
    trans_b_ = n.GetInt("transB", 0) != 0;
    alpha_ = n.GetFloat("alpha", 1.0f);
    beta_ = n.GetFloat("beta", 1.0f);
    auto act = runtime::optimize::ReadFusedActivation(n);
    if (act.ok())
      activation_ = *act;
    else
      init_status_ = act.status();
    // Gemm-1/6 `broadcast` only permitted what Gemm-7's unidirectional broadcast of C does.
    const Tensor* b = info.constant_input(1);
    const Tensor* c = info.has_input(2) ? info.constant_input(2) : nullptr;
    const bool bias_ok =
        !info.has_input(2) ||
        (c && c->dtype() == DataType::kFloat32 && beta_ == 1.0f && c->rank() <= 2 &&
         (c->rank() < 2 || c->dim(0) == 1) && b && b->rank() == 2 &&
         c->NumElements() == (trans_b_ ? b->dim(0) : b->dim(1)));
    if (b && b->dtype() == DataType::kFloat32 && b->rank() == 2 && !trans_a_ && alpha_ == 1.0f &&
        bias_ok)
      cached_ = std::make_unique<kernels::ConstantWeightMatMul>();
  }

  Status Run(OpContext& ctx) const override {
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 2));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 2));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(1);
    const Tensor* c = ctx.input(2);
    kernels::GemmParams p;
    p.trans_a = trans_a_;
    p.trans_b = trans_b_;
    p.m = trans_a_ ? a.dim(1) : a.dim(0);
    p.k = trans_a_ ? a.dim(0) : a.dim(1);
    const int64_t kb = trans_b_ ? b.dim(1) : b.dim(0);
    p.n = trans_b_ ? b.dim(0) : b.dim(1);
    if (kb != p.k)
      return ctx.Error("inner dims differ: A " + a.shape().ToString() + (trans_a_ ? "^T" : "") +
                       ", B " + b.shape().ToString() + (trans_b_ ? "^T" : ""));
    p.alpha = alpha_;
    p.beta = beta_;
    p.activation = activation_;
    if (c) {
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
      p.c_shape = c->shape().dims();
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape{p.m, p.n}));
    if (cached_) {
      Status s = cached_->Run(p.m, p.n, p.k, p.trans_b, a.data<float>(), b.data<float>(),
                              c ? c->data<float>() : nullptr, p.activation, y->data<float>(),
                              ctx.num_threads());
      return s.ok() ? s : ctx.Error(s.message());
    }
    Status s = kernels::Gemm(p, a.data<float>(), b.data<float>(), c ? c->data<float>() : nullptr,
                             y->data<float>(), ctx.num_threads());
    return s.ok() ? s : ctx.Error(s.message());
  }

 private:
  bool trans_a_ = false, trans_b_ = false;
  float alpha_ = 1.0f, beta_ = 1.0f;
  kernels::FusedActivation activation_;
  std::unique_ptr<kernels::ConstantWeightMatMul> cached_;  // B (and C) constant
};

}  // namespace

void RegisterGemm(OpSet& s) {
  for (int v : {1, 6, 7, 9, 11, 13}) s.Add<Gemm>("Gemm", v);
}

}  // namespace ferry::onnx::ops
