// ONNX Identity (1, 13, 14, 16): the output is the input, buffer shared.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Identity final : public Op {
 public:
  explicit Identity(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    ctx.SetOutput(0, *x);
    return Status::Ok();
  }
};

}  // namespace

void RegisterIdentity(OpSet& s) {
  for (int v : {1, 13, 14, 16}) s.Add<Identity>("Identity", v);
}

}  // namespace ferry::onnx::ops
