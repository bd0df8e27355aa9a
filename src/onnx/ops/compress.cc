// ONNX Compress (9, 11): keeps the slices along `axis` whose bool condition is true (the
// condition may be shorter than the axis); without axis the input is flattened first.
#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Compress final : public Op {
 public:
  explicit Compress(const NodeInfo& info) : has_axis_(info.node().has_attr("axis")) {
    axis_ = info.node().GetInt("axis", 0);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* cond, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 1, {DataType::kBool}));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    int64_t outer = 1, n = x->NumElements(), inner = 1;
    std::vector<int64_t> out = {0};
    int axis = 0;
    if (has_axis_) {
      FERRY_ASSIGN_OR_RETURN(axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
      out = x->shape().dims();
      n = x->dim(axis);
      for (int d = 0; d < axis; ++d) outer *= x->dim(d);
      for (int d = axis + 1; d < x->rank(); ++d) inner *= x->dim(d);
    }
    if (cond->NumElements() > n)
      return ctx.Error("input 1 (condition) has " + std::to_string(cond->NumElements()) +
                       " values, the axis only " + std::to_string(n));
    int64_t kept = 0;
    for (int64_t i = 0; i < cond->NumElements(); ++i) kept += cond->data<bool>()[i] ? 1 : 0;
    out[has_axis_ ? axis : 0] = kept;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    kernels::Compress(x->raw_data(), outer, n, inner, cond->data<bool>(), cond->NumElements(),
                      SizeOf(x->dtype()), y->raw_data());
    return Status::Ok();
  }

 private:
  bool has_axis_;
  int64_t axis_;
};

}  // namespace

void RegisterCompress(OpSet& s) {
  for (int v : {9, 11}) s.Add<Compress>("Compress", v);
}

}  // namespace ferry::onnx::ops
