// ONNX MatMul (1, 9, 13): numpy matmul with broadcast batch dims. A constant float 2-D B (an
// initializer: torch's nn.Linear, attention projections) runs through
// kernels::ConstantWeightMatMul with B packed once. The optimizer may fuse a following bias
// Add (input 2, `_ferry_bias`) and activation (runtime/optimize/fused_attrs.h).
#include <memory>

#include "kernels/gemm.h"
#include "onnx/ops/op_util.h"
#include "runtime/optimize/fused_attrs.h"

namespace ferry::onnx::ops {
namespace {

class MatMul final : public Op {
 public:
  explicit MatMul(const NodeInfo& info) {
    const ir::Node& n = info.node();
    auto act = runtime::optimize::ReadFusedActivation(n);
    if (act.ok())
      activation_ = *act;
    else
      init_status_ = act.status();
    fused_bias_ = n.GetInt(runtime::optimize::kBiasAttr, 0) != 0;
    const Tensor* b = info.constant_input(1);
    const bool constant_b = b && b->dtype() == DataType::kFloat32 && b->rank() == 2;
    if (fused_bias_) {
      const Tensor* bias = info.constant_input(2);
      if (!constant_b || !bias || bias->dtype() != DataType::kFloat32 ||
          bias->NumElements() != b->dim(1))
        init_status_ = info.Error("fused bias needs a constant float [k, n] B and n-element bias");
    } else if (activation_.kind != kernels::Activation::kNone && !constant_b) {
      init_status_ = info.Error("a fused activation needs a constant float [k, n] B");
    }
    if (constant_b) cached_ = std::make_unique<kernels::ConstantWeightMatMul>();
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    auto shape = kernels::MatMulShape(a->shape().dims(), b->shape().dims());
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, a->dtype(), Shape(*shape)));
    if (cached_ && a->rank() >= 2) {
      // [..., m, k] @ [k, n]: every row of a against the one packed b.
      const int64_t k = a->dim(a->rank() - 1), n = b->dim(1);
      const int64_t m = k ? a->NumElements() / k : y->NumElements() / (n ? n : 1);
      const Tensor* bias = fused_bias_ ? ctx.input(2) : nullptr;
      Status s = cached_->Run(m, n, k, false, a->data<float>(), b->data<float>(),
                              bias ? bias->data<float>() : nullptr, activation_,
                              y->data<float>(), ctx.num_threads());
      return s.ok() ? s : ctx.Error(s.message());
    }
    FERRY_RETURN_IF_ERROR(Dispatch<Types::kNumeric>(ctx, a->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      return kernels::MatMul<T>(a->data<T>(), a->shape().dims(), b->data<T>(), b->shape().dims(),
                                y->data<T>(), ctx.num_threads());
    }));
    if (fused_bias_ || activation_.kind != kernels::Activation::kNone) {
      // 1-D a with a fused bias: y is [n], one row.
      float* yp = y->data<float>();
      const float* bias = fused_bias_ ? ctx.input(2)->data<float>() : nullptr;
      const int64_t n = b->dim(1), rows = n ? y->NumElements() / n : 0;
      for (int64_t r = 0; r < rows; ++r)
        for (int64_t j = 0; j < n; ++j)
          yp[r * n + j] = activation_.Apply(bias ? yp[r * n + j] + bias[j] : yp[r * n + j]);
    }
    return Status::Ok();
  }

 private:
  kernels::FusedActivation activation_;
  bool fused_bias_ = false;
  std::unique_ptr<kernels::ConstantWeightMatMul> cached_;  // B constant
};

}  // namespace

void RegisterMatMul(OpSet& s) {
  for (int v : {1, 9, 13}) s.Add<MatMul>("MatMul", v);
}

}  // namespace ferry::onnx::ops
