// ONNX PRelu (6, 7, 9, 16): y = x < 0 ? slope * x : x, slope broadcast unidirectionally to x.
#include <memory>

#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class PRelu final : public Op {
 public:
  explicit PRelu(const NodeInfo& info) : legacy_(info.opset() < 7) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* slope, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    std::vector<int64_t> slope_shape = slope->shape().dims();
    // PRelu-6: a [C] slope applies per channel (axis 1), not to the last axis.
    if (legacy_ && slope_shape.size() == 1 && x->rank() > 2 && slope_shape[0] == x->dim(1))
      slope_shape.resize(x->rank() - 1, 1);
    auto shape = kernels::BroadcastShapes(x->shape().dims(), slope_shape);
    if (!shape.ok() || *shape != x->shape().dims())
      return ctx.Error("slope of shape " + slope->shape().ToString() +
                       " does not broadcast to input 0 of shape " + x->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const int64_t n = x->NumElements();
      std::unique_ptr<T[]> s(new T[n]);
      kernels::BroadcastTo(slope->raw_data(), slope_shape, sizeof(T), x->shape().dims(), s.get());
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      for (int64_t i = 0; i < n; ++i) yp[i] = xp[i] < T(0) ? static_cast<T>(s[i] * xp[i]) : xp[i];
      return Status::Ok();
    });
  }

 private:
  bool legacy_;
};

}  // namespace

void RegisterPRelu(OpSet& s) {
  for (int v : {6, 7, 9, 16}) s.Add<PRelu>("PRelu", v);
}

}  // namespace ferry::onnx::ops
