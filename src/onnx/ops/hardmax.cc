// ONNX Hardmax (1, 11, 13): 1 at the first maximum along `axis`, 0 elsewhere. From opset 13
// over the single dim `axis` (default -1); before, the input is coerced to 2-D at `axis`
// (default 1) and the maximum taken over the whole inner block (as Softmax-11).
#include "kernels/small_ops.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Hardmax final : public Op {
 public:
  explicit Hardmax(const NodeInfo& info) : coerce_2d_(info.opset() < 13) {
    axis_ = info.node().GetInt("axis", coerce_2d_ ? 1 : -1);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int r = x->rank();
    if (r == 0) return ctx.Error("input 0 must have rank >= 1");
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, r, ctx.node().Describe()));
    int64_t outer = 1, n = 1, inner = 1;
    for (int d = 0; d < r; ++d) {
      if (d < axis)
        outer *= x->dim(d);
      else if (d == axis || coerce_2d_)
        n *= x->dim(d);
      else
        inner *= x->dim(d);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    if (x->NumElements() == 0) return Status::Ok();
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Hardmax<T>(x->data<T>(), outer, n, inner, y->data<T>());
      return Status::Ok();
    });
  }

 private:
  bool coerce_2d_;
  int64_t axis_;
};

}  // namespace

void RegisterHardmax(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<Hardmax>("Hardmax", v);
}

}  // namespace ferry::onnx::ops
