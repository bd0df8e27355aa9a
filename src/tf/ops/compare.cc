// TF comparisons Equal, NotEqual, Greater, GreaterEqual, Less, LessEqual (math_ops.cc):
// broadcasting, bool output.
#include <vector>

#include "kernels/elementwise.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

enum class CompareKind { kEqual, kNotEqual, kGreater, kGreaterEqual, kLess, kLessEqual };

template <CompareKind K>
class Compare final : public runtime::Op {
 public:
  explicit Compare(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b) return ctx.Error("missing input");
    if (a->dtype() != b->dtype())
      return ctx.Error(std::string("inputs have dtypes ") + DataTypeName(a->dtype()) + " and " +
                       DataTypeName(b->dtype()));
    FERRY_ASSIGN_OR_RETURN(Shape s, BroadcastShape(a->shape(), b->shape(), ctx));
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kBool, s));
    bool* y = out->data<bool>();
    const bool ok = VisitNumeric(
        a->dtype(),
        [&](auto tag) {
          using T = decltype(tag);
          kernels::Compare<T>(Op(), a->data<T>(), a->shape().dims(), b->data<T>(),
                              b->shape().dims(), y);
        },
        /*with_bool=*/true);
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(a->dtype()) + " is not supported");
    // NotEqual is Equal inverted.
    if constexpr (K == CompareKind::kNotEqual)
      for (int64_t i = 0; i < out->NumElements(); ++i) y[i] = !y[i];
    return Status::Ok();
  }

 private:
  static kernels::CompareOp Op() {
    switch (K) {
      case CompareKind::kEqual:
      case CompareKind::kNotEqual: return kernels::CompareOp::kEqual;
      case CompareKind::kGreater: return kernels::CompareOp::kGreater;
      case CompareKind::kGreaterEqual: return kernels::CompareOp::kGreaterOrEqual;
      case CompareKind::kLess: return kernels::CompareOp::kLess;
      case CompareKind::kLessEqual: return kernels::CompareOp::kLessOrEqual;
    }
    return kernels::CompareOp::kEqual;
  }
};

}  // namespace

void RegisterCompare(runtime::OpSet& s) {
  s.Add<Compare<CompareKind::kEqual>>("Equal", 1, "tf");
  s.Add<Compare<CompareKind::kNotEqual>>("NotEqual", 1, "tf");
  s.Add<Compare<CompareKind::kGreater>>("Greater", 1, "tf");
  s.Add<Compare<CompareKind::kGreaterEqual>>("GreaterEqual", 1, "tf");
  s.Add<Compare<CompareKind::kLess>>("Less", 1, "tf");
  s.Add<Compare<CompareKind::kLessEqual>>("LessEqual", 1, "tf");
}

}  // namespace ferry::tf::ops
