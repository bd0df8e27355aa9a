// ONNX ReduceMean (1, 11, 13, 18): mean over axes (attribute before 18, optional input 1
// from 18 on, with noop_with_empty_axes); keepdims defaults to 1.
#include <algorithm>

#include "kernels/reduce.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ReduceMean final : public Op {
 public:
  explicit ReduceMean(const NodeInfo& info) : axes_from_input_(info.opset() >= 18) {
    keepdims_ = info.node().GetInt("keepdims", 1) != 0;
    noop_with_empty_axes_ = info.node().GetInt("noop_with_empty_axes", 0) != 0;
    if (!axes_from_input_) axes_ = info.node().GetInts("axes");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    std::vector<int64_t> axes = axes_;
    if (axes_from_input_ && ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(axes, IntValues(ctx, 1));
    }
    if (axes.empty() && noop_with_empty_axes_) {
      ctx.SetOutput(0, *x);
      return Status::Ok();
    }
    const int r = x->rank();
    std::vector<int> norm;
    if (axes.empty()) {
      for (int d = 0; d < r; ++d) norm.push_back(d);
    }
    for (int64_t a : axes) {
      auto axis = NormalizeAxis(a, r, ctx.node().Describe());
      if (!axis.ok()) return axis.status();
      if (std::find(norm.begin(), norm.end(), *axis) == norm.end()) norm.push_back(*axis);
    }
    std::vector<int64_t> out;
    for (int d = 0; d < r; ++d) {
      const bool reduced = std::find(norm.begin(), norm.end(), d) != norm.end();
      if (!reduced) out.push_back(x->dim(d));
      else if (keepdims_) out.push_back(1);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    return Dispatch(ctx, x->dtype(), Types::kNumeric, [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Reduce<T>(kernels::ReduceOp::kMean, x->data<T>(), x->shape().dims(), norm,
                         y->data<T>());
      return Status::Ok();
    });
  }

 private:
  bool axes_from_input_;
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
  std::vector<int64_t> axes_;
};

}  // namespace

void RegisterReduceMean(OpSet& s) {
  for (int v : {1, 11, 13, 18}) s.Add<ReduceMean>("ReduceMean", v);
}

}  // namespace ferry::onnx::ops
