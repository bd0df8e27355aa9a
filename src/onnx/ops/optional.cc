// ONNX Optional (15): an optional holding the input, or an empty optional when the input is
// omitted (its type then comes from the `type` attribute, which the runtime does not need:
// an empty optional is the same value whatever it could have held; see runtime/value.h).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Optional final : public Op {
 public:
  explicit Optional(const NodeInfo& info) {
    if (!info.has_input(0) && !info.node().has_attr("type"))
      init_status_ = info.Error("without an input the attribute type is required");
  }

  Status Run(OpContext& ctx) const override {
    const Value* v = ctx.input_value(0);
    ctx.SetOutputValue(0, v ? *v : Value::None());
    return Status::Ok();
  }
};

}  // namespace

void RegisterOptional(OpSet& s) { s.Add<Optional>("Optional", 15); }

}  // namespace ferry::onnx::ops
