// ONNX Dropout (1, 6, 7, 10, 12, 13) at inference: the output is the input and the optional mask
// is all true. Training mode (Dropout-12 input 2 true) is an identity too when the ratio
// (input 1, default 0.5) is 0; with a non-zero ratio it would need the random mask, which is
// not supported (a constant true training_mode fails at load, a runtime one at run).
#include <algorithm>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Dropout final : public Op {
 public:
  explicit Dropout(const NodeInfo& info) {
    const Tensor* training = info.constant_input(2);
    const Tensor* ratio = info.constant_input(1);
    const bool zero_ratio = ratio && ratio->NumElements() == 1 && ratio->GetAsDouble(0) == 0.0;
    if (training && training->NumElements() == 1 && training->GetAsInt64(0) != 0 && !zero_ratio)
      init_status_ = Unimplemented(info.Describe() + ": training_mode=true is not supported");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const Tensor* training = ctx.input(2);
    if (training) {
      if (training->NumElements() != 1)
        return ctx.Error("input 2 (training_mode) must be a scalar");
      const Tensor* ratio = ctx.input(1);
      const double r = ratio && ratio->NumElements() == 1 ? ratio->GetAsDouble(0) : 0.5;
      if (training->GetAsInt64(0) != 0 && r != 0.0)
        return Unimplemented(ctx.node().Describe() +
                             ": training_mode=true with a non-zero ratio (random mask)");
    }
    ctx.SetOutput(0, *x);
    if (ctx.num_outputs() > 1) {
      FERRY_ASSIGN_OR_RETURN(Tensor * mask, ctx.Output(1, DataType::kBool, x->shape()));
      std::fill_n(mask->data<bool>(), x->NumElements(), true);
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterDropout(OpSet& s) {
  for (int v : {1, 6, 7, 10, 12, 13}) s.Add<Dropout>("Dropout", v);
}

}  // namespace ferry::onnx::ops
