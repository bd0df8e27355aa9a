// ONNX BatchNormalization (1, 6, 7, 9, 14, 15): per-channel
// (x - mean) / sqrt(var + epsilon) * scale + B over an [N, C, ...] input. In training mode
// (14+, training_mode=1) mean and var are the batch's (population variance) and outputs 1
// and 2 are the running statistics input * momentum + batch * (1 - momentum).
#include <vector>

#include "kernels/batch_norm.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class BatchNormalization final : public Op {
 public:
  explicit BatchNormalization(const NodeInfo& info) {
    epsilon_ = info.node().GetFloat("epsilon", 1e-5f);
    momentum_ = info.node().GetFloat("momentum", 0.9f);
    training_ = info.opset() >= 14 && info.node().GetInt("training_mode", 0) != 0;
    if (training_) return;
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
      const T* mean = ctx.input(3)->data<T>();
      const T* var = ctx.input(4)->data<T>();
      std::vector<T> batch_mean, batch_var;
      if (training_) {
        batch_mean.assign(c, T(0));
        batch_var.assign(c, T(0));
        const int64_t count = x->dim(0) * spatial;
        for (int64_t ch = 0; ch < c; ++ch) {
          double sum = 0.0, sq = 0.0;
          for (int64_t b = 0; b < x->dim(0); ++b)
            for (int64_t s = 0; s < spatial; ++s) {
              const double v = x->data<T>()[(b * c + ch) * spatial + s];
              sum += v;
              sq += v * v;
            }
          const double m = count ? sum / count : 0.0;
          batch_mean[ch] = static_cast<T>(m);
          batch_var[ch] = static_cast<T>(count ? sq / count - m * m : 0.0);
        }
        for (int i = 1; i < 3 && i < ctx.num_outputs(); ++i) {
          FERRY_ASSIGN_OR_RETURN(Tensor * run, ctx.Output(i, x->dtype(), Shape{c}));
          const T* in = i == 1 ? mean : var;
          const std::vector<T>& batch = i == 1 ? batch_mean : batch_var;
          for (int64_t ch = 0; ch < c; ++ch)
            run->data<T>()[ch] = static_cast<T>(in[ch] * momentum_ + batch[ch] * (1 - momentum_));
        }
        mean = batch_mean.data();
        var = batch_var.data();
      }
      kernels::BatchNormInference<T>(kernels::Layout::kNCHW, x->dim(0), c, spatial, x->data<T>(),
                                     ctx.input(1)->data<T>(), ctx.input(2)->data<T>(), mean, var,
                                     epsilon_, y->data<T>());
      return Status::Ok();
    });
  }

 private:
  float epsilon_ = 1e-5f;
  float momentum_ = 0.9f;
  bool training_ = false;
};

}  // namespace

void RegisterBatchNormalization(OpSet& s) {
  for (int v : {1, 6, 7, 9, 14, 15}) s.Add<BatchNormalization>("BatchNormalization", v);
}

}  // namespace ferry::onnx::ops
