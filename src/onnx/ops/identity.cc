// ONNX Identity (1, 13, 14, 16): the output is the input, buffer shared. From 14 the input may
// be a sequence, from 16 an optional; they pass through the same way.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Identity final : public Op {
 public:
  explicit Identity(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    const Value* x = ctx.input_value(0);
    if (!x) return ctx.Error("input 0 is missing");
    ctx.SetOutputValue(0, *x);
    return Status::Ok();
  }
};

}  // namespace

void RegisterIdentity(OpSet& s) {
  for (int v : {1, 13, 14, 16}) s.Add<Identity>("Identity", v);
}

}  // namespace ferry::onnx::ops
