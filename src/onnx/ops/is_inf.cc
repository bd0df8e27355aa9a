// ONNX IsInf (10: detect_positive / detect_negative, default both) and IsNaN (9, 13): bool
// masks of float or double input.
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <bool kNan>
class IsSpecial final : public Op {
 public:
  explicit IsSpecial(const NodeInfo& info)
      : positive_(info.node().GetInt("detect_positive", 1) != 0),
        negative_(info.node().GetInt("detect_negative", 1) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kBool, x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* xp = x->data<T>();
      bool* yp = y->data<bool>();
      for (int64_t i = 0; i < x->NumElements(); ++i)
        yp[i] = kNan ? std::isnan(xp[i])
                     : std::isinf(xp[i]) && (xp[i] > 0 ? positive_ : negative_);
      return Status::Ok();
    });
  }

 private:
  bool positive_;
  bool negative_;
};

}  // namespace

void RegisterIsInf(OpSet& s) { s.Add<IsSpecial<false>>("IsInf", 10); }
void RegisterIsNaN(OpSet& s) {
  for (int v : {9, 13}) s.Add<IsSpecial<true>>("IsNaN", v);
}

}  // namespace ferry::onnx::ops
