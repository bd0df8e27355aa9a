// ONNX BatchNormalization (1, 6, 7, 9, 14, 15) in inference mode: per-channel
// (x - mean) / sqrt(var + epsilon) * scale + B over an [N, C, ...] input.
#include "kernels/batch_norm.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class BatchNormalization final : public Op {
 public:
  explicit BatchNormalization(const NodeInfo& info) {
    epsilon_ = info.node().GetFloat("epsilon", 1e-5f);
    if (info.node().GetInt("training_mode", 0) != 0)
      init_status_ = Unimplemented(info.Describe() + ": training_mode=1 is not supported");
    if (info.opset() < 7 && info.node().GetInt("is_test", 0) == 0 && info.num_outputs() > 1)
      init_status_ = Unimplemented(info.Describe() + ": is_test=0 (training) is not supported");
    if (info.opset() < 9 && info.node().GetInt("spatial", 1) != 1)
      init_status_ = Unimplemented(info.Describe() + ": spatial=0 is not supported");
    for (int i = 1; i < info.num_outputs(); ++i)
      if (info.node().output(i) && !info.node().output(i)->users().empty())
        init_status_ = Unimplemented(info.Describe() +
                                     ": running mean/var outputs exist only in training mode");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->rank() < 2)
      return ctx.Error("input 0 has rank " + std::to_string(x->rank()) + ", expected >= 2");
    const int64_t c = x->dim(1);
    for (int i = 1; i < 5; ++i) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, i));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, i));
      if (t->rank() != 1 || t->dim(0) != c)
        return ctx.Error("input " + std::to_string(i) + " has shape " + t->shape().ToString() +
                         ", expected [" + std::to_string(c) + "] (channels of input 0 " +
                         x->shape().ToString() + ")");
    }
    int64_t spatial = 1;
    for (int d = 2; d < x->rank(); ++d) spatial *= x->dim(d);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::BatchNormInference<T>(kernels::Layout::kNCHW, x->dim(0), c, spatial, x->data<T>(),
                                     ctx.input(1)->data<T>(), ctx.input(2)->data<T>(),
                                     ctx.input(3)->data<T>(), ctx.input(4)->data<T>(), epsilon_,
                                     y->data<T>());
      return Status::Ok();
    });
  }

 private:
  float epsilon_ = 1e-5f;
};

}  // namespace

void RegisterBatchNormalization(OpSet& s) {
  for (int v : {1, 6, 7, 9, 14, 15}) s.Add<BatchNormalization>("BatchNormalization", v);
}

}  // namespace ferry::onnx::ops
