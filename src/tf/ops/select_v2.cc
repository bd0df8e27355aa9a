// TF SelectV2(condition, t, e) (array_ops.cc): condition ? t : e, all three broadcast.
#include "kernels/elementwise.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class SelectV2 final : public runtime::Op {
 public:
  explicit SelectV2(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 3) init_status_ = info.Error("expects 3 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* c = ctx.input(0);
    const Tensor* t = ctx.input(1);
    const Tensor* e = ctx.input(2);
    if (!c || !t || !e) return ctx.Error("missing input");
    if (c->dtype() != DataType::kBool) return ctx.Error("condition must be bool");
    if (t->dtype() != e->dtype())
      return ctx.Error(std::string("t and e have dtypes ") + DataTypeName(t->dtype()) + " and " +
                       DataTypeName(e->dtype()));
    FERRY_ASSIGN_OR_RETURN(Shape te, BroadcastShape(t->shape(), e->shape(), ctx));
    FERRY_ASSIGN_OR_RETURN(Shape s, BroadcastShape(c->shape(), te, ctx));
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, t->dtype(), s));
    const bool ok = VisitNumeric(
        t->dtype(),
        [&](auto tag) {
          using T = decltype(tag);
          kernels::Where<T>(c->data<bool>(), c->shape().dims(), t->data<T>(), t->shape().dims(),
                            e->data<T>(), e->shape().dims(), s.dims(), out->data<T>());
        },
        /*with_bool=*/true);
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(t->dtype()) + " is not supported");
    return Status::Ok();
  }
};

}  // namespace

void RegisterSelectV2(runtime::OpSet& s) { s.Add<SelectV2>("SelectV2", 1, "tf"); }

}  // namespace ferry::tf::ops
