// ONNX ArgMax and ArgMin (1, 11, 12, 13): int64 index of the extreme along axis, the first
// one unless select_last_index (12+); keepdims defaults to 1.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <bool kMax>
class ArgExtreme final : public Op {
 public:
  explicit ArgExtreme(const NodeInfo& info) {
    axis_ = info.node().GetInt("axis", 0);
    keepdims_ = info.node().GetInt("keepdims", 1) != 0;
    select_last_ = info.node().GetInt("select_last_index", 0) != 0;
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    auto axis = NormalizeAxis(axis_, x->rank(), ctx.node().Describe());
    if (!axis.ok()) return axis.status();
    int64_t outer = 1, n = x->dim(*axis), inner = 1;
    std::vector<int64_t> out;
    for (int d = 0; d < x->rank(); ++d) {
      if (d < *axis) outer *= x->dim(d);
      if (d > *axis) inner *= x->dim(d);
      if (d != *axis)
        out.push_back(x->dim(d));
      else if (keepdims_)
        out.push_back(1);
    }
    if (n == 0) return ctx.Error("axis " + std::to_string(*axis) + " is empty");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kInt64, Shape(out)));
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* xp = x->data<T>();
      int64_t* yp = y->data<int64_t>();
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t in = 0; in < inner; ++in) {
          int64_t best = 0;
          for (int64_t i = 1; i < n; ++i) {
            const T v = xp[(o * n + i) * inner + in], b = xp[(o * n + best) * inner + in];
            const bool better =
                kMax ? (select_last_ ? v >= b : v > b) : (select_last_ ? v <= b : v < b);
            if (better) best = i;
          }
          yp[o * inner + in] = best;
        }
      return Status::Ok();
    });
  }

 private:
  int64_t axis_ = 0;
  bool keepdims_ = true;
  bool select_last_ = false;
};

}  // namespace

void RegisterArgMax(OpSet& s) {
  for (int v : {1, 11, 12, 13}) s.Add<ArgExtreme<true>>("ArgMax", v);
}
void RegisterArgMin(OpSet& s) {
  for (int v : {1, 11, 12, 13}) s.Add<ArgExtreme<false>>("ArgMin", v);
}

}  // namespace ferry::onnx::ops
