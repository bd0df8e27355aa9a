// TF BroadcastTo(input, shape) (array_ops.cc): numpy broadcast of input to `shape`.
#include "kernels/elementwise.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class BroadcastTo final : public runtime::Op {
 public:
  explicit BroadcastTo(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* shape = ctx.input(1);
    if (!x || !shape) return ctx.Error("missing input");
    const Shape target(shape->ToInt64Vector());
    FERRY_ASSIGN_OR_RETURN(Shape s, BroadcastShape(x->shape(), target, ctx));
    if (!(s == target))
      return ctx.Error("cannot broadcast " + x->shape().ToString() + " to " + target.ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), s));
    kernels::BroadcastTo(x->raw_data(), x->shape().dims(), SizeOf(x->dtype()), s.dims(),
                         y->raw_data());
    return Status::Ok();
  }
};

}  // namespace

void RegisterBroadcastTo(runtime::OpSet& s) { s.Add<BroadcastTo>("BroadcastTo", 1, "tf"); }

}  // namespace ferry::tf::ops
