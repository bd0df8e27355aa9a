// ONNX CumSum (11, 14): running sum along the axis given as input 1 (a scalar or 1-element
// int32/int64 tensor); exclusive=1 leaves out the current element, reverse=1 sums from the end.
#include "kernels/small_ops.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class CumSum final : public Op {
 public:
  explicit CumSum(const NodeInfo& info)
      : exclusive_(info.node().GetInt("exclusive", 0) != 0),
        reverse_(info.node().GetInt("reverse", 0) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> axes, IntValues(ctx, 1));
    if (axes.size() != 1) return ctx.Error("input 1 (axis) must hold one value");
    if (x->rank() == 0) return ctx.Error("input 0 must have rank >= 1");
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axes[0], x->rank(), ctx.node().Describe()));
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::CumSum<T>(x->data<T>(), outer, x->dim(axis), inner, exclusive_, reverse_,
                         y->data<T>());
      return Status::Ok();
    });
  }

 private:
  bool exclusive_;
  bool reverse_;
};

}  // namespace

void RegisterCumSum(OpSet& s) {
  for (int v : {11, 14}) s.Add<CumSum>("CumSum", v);
}

}  // namespace ferry::onnx::ops
