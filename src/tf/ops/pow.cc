// TF Pow(x, y) (math_ops.cc): broadcasting x ** y for float and integer types.
#include "kernels/elementwise.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Pow final : public runtime::Op {
 public:
  explicit Pow(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b) return ctx.Error("missing input");
    if (a->dtype() != b->dtype())
      return ctx.Error(std::string("inputs have dtypes ") + DataTypeName(a->dtype()) + " and " +
                       DataTypeName(b->dtype()));
    FERRY_ASSIGN_OR_RETURN(Shape s, BroadcastShape(a->shape(), b->shape(), ctx));
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, a->dtype(), s));
    Status st = Status::Ok();
    const bool ok = VisitNumeric(a->dtype(), [&](auto tag) {
      using T = decltype(tag);
      st = kernels::Binary<T>(kernels::BinaryOp::kPow, a->data<T>(), a->shape().dims(),
                              b->data<T>(), b->shape().dims(), out->data<T>());
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(a->dtype()) + " is not supported");
    if (!st.ok()) return ctx.Error(st.message());
    return Status::Ok();
  }
};

}  // namespace

void RegisterPow(runtime::OpSet& s) { s.Add<Pow>("Pow", 1, "tf"); }

}  // namespace ferry::tf::ops
