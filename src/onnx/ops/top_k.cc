// ONNX TopK (1, 10, 11): the k largest (largest=1) or smallest values along `axis` (default
// -1) and their int64 indices, sorted, ties to the lower index. k is an attribute before
// opset 10 and a 1-element int64 input from 10 on.
#include "kernels/small_ops.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class TopK final : public Op {
 public:
  explicit TopK(const NodeInfo& info)
      : k_from_input_(info.opset() >= 10),
        axis_(info.node().GetInt("axis", -1)),
        k_attr_(info.node().GetInt("k", -1)),
        largest_(info.node().GetInt("largest", 1) != 0) {
    if (info.node().GetInt("sorted", 1) == 0)
      init_status_ = Unimplemented(info.Describe() + ": sorted=0 is not supported");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    int64_t k = k_attr_;
    if (k_from_input_) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> kv, IntValues(ctx, 1));
      if (kv.size() != 1) return ctx.Error("input 1 (K) must hold one value");
      k = kv[0];
    }
    if (x->rank() == 0) return ctx.Error("input 0 must have rank >= 1");
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
    const int64_t n = x->dim(axis);
    if (k < 0 || k > n)
      return ctx.Error("k = " + std::to_string(k) + " is outside [0, " + std::to_string(n) +
                       "] for axis " + std::to_string(axis) + " of " + x->shape().ToString());
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    std::vector<int64_t> out = x->shape().dims();
    out[axis] = k;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    FERRY_ASSIGN_OR_RETURN(Tensor * idx, ctx.Output(1, DataType::kInt64, Shape(out)));
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::TopK<T>(x->data<T>(), outer, n, inner, k, largest_, y->data<T>(),
                       idx->data<int64_t>());
      return Status::Ok();
    });
  }

 private:
  bool k_from_input_;
  int64_t axis_;
  int64_t k_attr_;
  bool largest_;
};

}  // namespace

void RegisterTopK(OpSet& s) {
  for (int v : {1, 10, 11}) s.Add<TopK>("TopK", v);
}

}  // namespace ferry::onnx::ops
