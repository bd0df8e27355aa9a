// ONNX OptionalGetElement (15, 18): the element of an optional (a tensor or a sequence); an
// error for an empty optional. From 18 a tensor or sequence input passes through.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class OptionalGetElement final : public Op {
 public:
  explicit OptionalGetElement(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    const Value* v = ctx.input_value(0);
    if (!v || v->is_none()) return ctx.Error("the optional input is empty");
    ctx.SetOutputValue(0, *v);
    return Status::Ok();
  }
};

}  // namespace

void RegisterOptionalGetElement(OpSet& s) {
  for (int v : {15, 18}) s.Add<OptionalGetElement>("OptionalGetElement", v);
}

}  // namespace ferry::onnx::ops
