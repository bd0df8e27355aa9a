// TF IsInf and IsNan (math_ops.cc): a bool tensor of x's shape, for float32/float64 x.
#include <cmath>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kInf>
class FloatClass final : public runtime::Op {
 public:
  explicit FloatClass(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kBool, x->shape()));
    bool* out = y->data<bool>();
    const int64_t n = x->NumElements();
    if (x->dtype() == DataType::kFloat32) {
      for (int64_t i = 0; i < n; ++i) out[i] = Test(x->data<float>()[i]);
    } else if (x->dtype() == DataType::kFloat64) {
      for (int64_t i = 0; i < n; ++i) out[i] = Test(x->data<double>()[i]);
    } else {
      return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    }
    return Status::Ok();
  }

 private:
  template <typename T>
  static bool Test(T v) {
    if constexpr (kInf) return std::isinf(v);
    return std::isnan(v);
  }
};

}  // namespace

void RegisterIsFinite(runtime::OpSet& s) {
  s.Add<FloatClass<true>>("IsInf", 1, "tf");
  s.Add<FloatClass<false>>("IsNan", 1, "tf");
}

}  // namespace ferry::tf::ops
