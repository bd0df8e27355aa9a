// TF LogicalNot, LogicalAnd, LogicalOr (math_ops.cc): bool in, bool out; the binary ones
// broadcast.
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class LogicalNot final : public runtime::Op {
 public:
  explicit LogicalNot(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->dtype() != DataType::kBool) return ctx.Error("input must be bool");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kBool, x->shape()));
    for (int64_t i = 0; i < x->NumElements(); ++i) y->data<bool>()[i] = !x->data<bool>()[i];
    return Status::Ok();
  }
};

template <bool kAnd>
class LogicalBinary final : public runtime::Op {
 public:
  explicit LogicalBinary(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b) return ctx.Error("missing input");
    if (a->dtype() != DataType::kBool || b->dtype() != DataType::kBool)
      return ctx.Error("inputs must be bool");
    FERRY_ASSIGN_OR_RETURN(Shape s, BroadcastShape(a->shape(), b->shape(), ctx));
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kBool, s));
    BroadcastBinary<bool>(*a, *b, out, [](bool x, bool y) { return kAnd ? x && y : x || y; });
    return Status::Ok();
  }
};

}  // namespace

void RegisterLogical(runtime::OpSet& s) {
  s.Add<LogicalNot>("LogicalNot", 1, "tf");
  s.Add<LogicalBinary<true>>("LogicalAnd", 1, "tf");
  s.Add<LogicalBinary<false>>("LogicalOr", 1, "tf");
}

}  // namespace ferry::tf::ops
