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
    const int64_t n = x.NumElements();
    const bool* xp = x.data<bool>();
    bool* yp = y->data<bool>();
    for (int64_t i = 0; i < n; ++i) yp[i] = !xp[i];
    return Status::Ok();
  }
};

}  // namespace

void RegisterNot(OpSet& s) { s.Add<Not>("Not", 1); }

}  // namespace ferry::onnx::ops
