// ONNX Dropout (1, 6, 7, 10, 12, 13) at inference: the output is the input and the optional mask
// is all true. Training mode (Dropout-12 input 2 set to true) is not supported.
#include <algorithm>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Dropout final : public Op {
 public:
  explicit Dropout(const NodeInfo& info) {
    const Tensor* training = info.constant_input(2);
    if (info.has_input(2) && (!training || training->NumElements() != 1))
      init_status_ = Unimplemented(info.Describe() + ": training_mode must be a constant scalar");
    else if (training && training->GetAsInt64(0) != 0)
      init_status_ = Unimplemented(info.Describe() + ": training_mode=true is not supported");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
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
