// ONNX Flatten (1, 9, 11, 13): [d0..d_{axis-1}] x [d_axis..] as a 2-D view of the buffer.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Flatten final : public Op {
 public:
  explicit Flatten(const NodeInfo& info) : axis_(info.node().GetInt("axis", 1)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    // Flatten-11: axis in [-r, r]; r means all dims go to the outer factor.
    const int64_t axis = axis_ < 0 ? axis_ + x->rank() : axis_;
    if (axis < 0 || axis > x->rank())
      return ctx.Error("axis " + std::to_string(axis_) + " is out of range for input of shape " +
                       x->shape().ToString());
    int64_t outer = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    int64_t inner = 1;
    for (int d = static_cast<int>(axis); d < x->rank(); ++d) inner *= x->dim(d);
    FERRY_ASSIGN_OR_RETURN(Tensor y, x->Reshaped(Shape{outer, inner}));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }

 private:
  int64_t axis_;
};

}  // namespace

void RegisterFlatten(OpSet& s) {
  for (int v : {1, 9, 11, 13}) s.Add<Flatten>("Flatten", v);
}

}  // namespace ferry::onnx::ops
