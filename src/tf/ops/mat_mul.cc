// TF MatMul(a, b) with transpose_a / transpose_b (math_ops.cc): rank-2 float32 only,
// through oneDNN's sgemm, or, for constant weights and an untransposed a, through
// kernels::ConstantWeightMatMul (weights packed once) with the optimizer's fused bias
// (input 2) and activation (runtime/optimize/fuse_tf.cc).
#include <algorithm>
#include <memory>
#include <vector>

#include "kernels/gemm.h"
#include "runtime/opset.h"
#include "runtime/optimize/fused_attrs.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class MatMul final : public runtime::Op {
 public:
  explicit MatMul(const runtime::NodeInfo& info)
      : ta_(BoolAttr(info, "transpose_a", false)), tb_(BoolAttr(info, "transpose_b", false)) {
    namespace opt = runtime::optimize;
    bias_ = info.node().GetInt(opt::kBiasAttr, 0) != 0;
    if (info.num_inputs() != (bias_ ? 3 : 2))
      init_status_ = info.Error(bias_ ? "expects 3 inputs (a fused bias)" : "expects 2 inputs");
    auto act = opt::ReadFusedActivation(info.node());
    if (!act.ok()) init_status_ = act.status();
    activation_ = act.ok() ? *act : kernels::FusedActivation{};
    // Constant weights (a dense layer) are packed once, as the ONNX MatMul/Gemm do.
    const Tensor* w = info.constant_input(1);
    if (!ta_ && w && w->dtype() == DataType::kFloat32 && w->rank() == 2)
      packed_ = std::make_unique<kernels::ConstantWeightMatMul>();
    if ((bias_ || activation_.kind != kernels::Activation::kNone) && !packed_)
      init_status_ = info.Error("a fused bias or activation needs constant weights");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b) return ctx.Error("missing input");
    if (a->rank() != 2 || b->rank() != 2)
      return ctx.Error("a " + a->shape().ToString() + " and b " + b->shape().ToString() +
                       " must have rank 2");
    if (a->dtype() != DataType::kFloat32 || b->dtype() != DataType::kFloat32)
      return ctx.Error("only float32 is supported");
    const int64_t m = ta_ ? a->dim(1) : a->dim(0), k = ta_ ? a->dim(0) : a->dim(1);
    const int64_t kb = tb_ ? b->dim(1) : b->dim(0), n = tb_ ? b->dim(0) : b->dim(1);
    if (k != kb)
      return ctx.Error("inner dims differ: a " + a->shape().ToString() + ", b " +
                       b->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{m, n}));
    float* o = out->data<float>();
    if (m * n == 0) return Status::Ok();
    if (k == 0) {
      std::fill(o, o + m * n, 0.f);
      return Status::Ok();
    }
    if (packed_) {
      const float* bias = nullptr;
      if (bias_) {
        const Tensor* b = ctx.input(2);
        if (!b || b->dtype() != DataType::kFloat32 || b->rank() != 1 || b->dim(0) != n)
          return ctx.Error("fused bias (input 2) must be float [" + std::to_string(n) + "]");
        bias = b->data<float>();
      }
      Status s = packed_->Run(m, n, k, tb_, a->data<float>(), b->data<float>(), bias,
                              activation_, o, ctx.num_threads());
      return s.ok() ? s : ctx.Error(s.message());
    }
    kernels::GemmParams p;  // oneDNN's sgemm
    p.m = m;
    p.n = n;
    p.k = k;
    p.trans_a = ta_;
    p.trans_b = tb_;
    Status s = kernels::Gemm(p, a->data<float>(), b->data<float>(), nullptr, o, ctx.num_threads());
    if (!s.ok()) return ctx.Error(s.message());
    return Status::Ok();
  }

 private:
  bool ta_, tb_;
  bool bias_ = false;
  kernels::FusedActivation activation_;
  std::unique_ptr<kernels::ConstantWeightMatMul> packed_;
};

}  // namespace

void RegisterMatMul(runtime::OpSet& s) { s.Add<MatMul>("MatMul", 1, "tf"); }

}  // namespace ferry::tf::ops
