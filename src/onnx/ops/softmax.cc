// ONNX Softmax and LogSoftmax (1, 11, 13). Before opset 13 the input is coerced to 2-D
// at `axis` (default 1) and normalised over the whole inner block; from 13 on only the
// single dim `axis` (default -1) is normalised.
#include "kernels/softmax.h"

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <bool kLog>
class SoftmaxOp final : public Op {
 public:
  explicit SoftmaxOp(const NodeInfo& info) : coerce_2d_(info.opset() < 13) {
    axis_ = info.node().GetInt("axis", coerce_2d_ ? 1 : -1);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int r = x->rank();
    auto axis = NormalizeAxis(axis_, r, ctx.node().Describe());
    if (!axis.ok()) return axis.status();
    int64_t outer = 1, n = 1, inner = 1;
    for (int d = 0; d < r; ++d) {
      if (d < *axis)
        outer *= x->dim(d);
      else if (d == *axis || coerce_2d_)
        n *= x->dim(d);
      else
        inner *= x->dim(d);
    }
    if (r == 0) n = 1;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Softmax<T>(x->data<T>(), outer, n, inner, kLog, y->data<T>());
      return Status::Ok();
    });
  }

 private:
  bool coerce_2d_;
  int64_t axis_;
};

}  // namespace

void RegisterSoftmax(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<SoftmaxOp<false>>("Softmax", v);
}
void RegisterLogSoftmax(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<SoftmaxOp<true>>("LogSoftmax", v);
}

}  // namespace ferry::onnx::ops
