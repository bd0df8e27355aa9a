// ONNX Not (1): logical negation of a bool tensor.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Not final : public Op {
 public:
  explicit Not(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kBool}));
    const Tensor& x = *ctx.input(0);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kBool, x.shape()));
    for (int64_t i = 0; i < x.NumElements(); ++i) y->data<bool>()[i] = !x.data<bool>()[i];
    return Status::Ok();
  }
};

}  // namespace

void RegisterNot(OpSet& s) { s.Add<Not>("Not", 1); }

}  // namespace ferry::onnx::ops
