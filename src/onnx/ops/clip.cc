// ONNX Clip: bounds are attributes min/max before opset 11 (Clip-6) and optional inputs
// 1 and 2 from Clip-11 on (absent bound: no limit).
#include <limits>

#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Clip final : public Op {
 public:
  explicit Clip(const NodeInfo& info) : bounds_as_inputs_(info.opset() >= 11) {
    if (!bounds_as_inputs_) {
      min_ = info.node().GetFloat("min", -std::numeric_limits<float>::max());
      max_ = info.node().GetFloat("max", std::numeric_limits<float>::max());
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    for (int i : {1, 2}) {
      const Tensor* t = ctx.input(i);
      if (!t || !bounds_as_inputs_) continue;
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, i));
      if (t->NumElements() != 1)
        return ctx.Error("input " + std::to_string(i) + " must be a scalar, got shape " +
                         t->shape().ToString());
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      T lo = std::numeric_limits<T>::lowest(), hi = std::numeric_limits<T>::max();
      if (!bounds_as_inputs_) {
        lo = static_cast<T>(std::max<double>(min_, static_cast<double>(lo)));
        hi = static_cast<T>(std::min<double>(max_, static_cast<double>(hi)));
      }
      if (bounds_as_inputs_ && ctx.input(1)) lo = ctx.input(1)->data<T>()[0];
      if (bounds_as_inputs_ && ctx.input(2)) hi = ctx.input(2)->data<T>()[0];
      if constexpr (std::is_same_v<T, float>) {  // the vectorised kernel (ReLU6 in MobileNet)
        kernels::UnaryParams p{kernels::UnaryOp::kClip, lo, hi};
        kernels::Unary<float>(p, x->data<float>(), y->data<float>(), x->NumElements());
        return Status::Ok();
      }
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      const int64_t n = x->NumElements();
      // ONNX Clip: min(max(x, lo), hi); a bound of NaN is not special-cased, as onnxruntime.
      for (int64_t i = 0; i < n; ++i) yp[i] = xp[i] < lo ? lo : (xp[i] > hi ? hi : xp[i]);
      return Status::Ok();
    });
  }

 private:
  bool bounds_as_inputs_;
  float min_ = 0.0f, max_ = 0.0f;
};

}  // namespace

void RegisterClip(OpSet& s) {
  for (int v : {1, 6, 11, 12, 13}) s.Add<Clip>("Clip", v);
}

}  // namespace ferry::onnx::ops
