// ONNX Size (1, 13): the element count of the input as an int64 scalar.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Size final : public Op {
 public:
  explicit Size(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    ctx.SetOutput(0, Tensor::Scalar<int64_t>(x->NumElements()));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSize(OpSet& s) {
  for (int v : {1, 13}) s.Add<Size>("Size", v);
}

}  // namespace ferry::onnx::ops
