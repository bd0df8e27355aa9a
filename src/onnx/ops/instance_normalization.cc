// ONNX InstanceNormalization (1, 6): per (sample, channel) plane of [N, C, spatial...] data,
// y = (x - mean) / sqrt(var + epsilon) * scale[c] + bias[c], epsilon default 1e-5.
#include "kernels/small_ops.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class InstanceNormalization final : public Op {
 public:
  explicit InstanceNormalization(const NodeInfo& info)
      : epsilon_(info.node().GetFloat("epsilon", 1e-5f)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* scale, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* bias, RequiredInput(ctx, 2));
    if (x->rank() < 2) return ctx.Error("input 0 has rank " + std::to_string(x->rank()) +
                                        ", expected >= 2");
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
    const int64_t c = x->dim(1);
    if (scale->NumElements() != c || bias->NumElements() != c)
      return ctx.Error("scale and bias need " + std::to_string(c) + " values, got " +
                       scale->shape().ToString() + " and " + bias->shape().ToString());
    const int64_t planes = x->dim(0) * c;
    const int64_t spatial = planes ? x->NumElements() / planes : 0;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::InstanceNorm<T>(x->data<T>(), planes, c, spatial, scale->data<T>(),
                               bias->data<T>(), epsilon_, y->data<T>());
      return Status::Ok();
    });
  }

 private:
  float epsilon_;
};

}  // namespace

void RegisterInstanceNormalization(OpSet& s) {
  for (int v : {1, 6}) s.Add<InstanceNormalization>("InstanceNormalization", v);
}

}  // namespace ferry::onnx::ops
