// ONNX OptionalHasElement (15, 18): true when the optional input holds an element. From 18
// the input may also be a tensor or a sequence (always true) or omitted (false).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class OptionalHasElement final : public Op {
 public:
  explicit OptionalHasElement(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    const Value* v = ctx.input_value(0);
    ctx.SetOutput(0, Tensor::Scalar<bool>(v && !v->is_none()));
    return Status::Ok();
  }
};

}  // namespace

void RegisterOptionalHasElement(OpSet& s) {
  for (int v : {15, 18}) s.Add<OptionalHasElement>("OptionalHasElement", v);
}

}  // namespace ferry::onnx::ops
