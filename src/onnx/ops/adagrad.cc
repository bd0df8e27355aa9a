// ONNX Adagrad (ai.onnx.preview.training, 1): one ADAGRAD step for n tensors. Inputs R, T,
// X_1..X_n, G_1..G_n, H_1..H_n; outputs X_new_1..n, H_new_1..n (onnx Operators.md, Adagrad):
//   r = R / (1 + T * decay_factor); g = norm_coefficient * X + G; H_new = H + g * g;
//   X_new = X - r * g / (sqrt(H_new) + epsilon)
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Adagrad final : public Op {
 public:
  explicit Adagrad(const NodeInfo& info)
      : decay_(info.node().GetFloat("decay_factor", 0.0f)),
        epsilon_(info.node().GetFloat("epsilon", 1e-6f)),
        norm_(info.node().GetFloat("norm_coefficient", 0.0f)) {
    if ((info.num_inputs() - 2) % 3 != 0 || info.num_inputs() < 5 ||
        info.num_outputs() != 2 * (info.num_inputs() - 2) / 3)
      init_status_ = info.Error("expects R, T and n each of X, G, H, and 2n outputs");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* r_in, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* t_in, RequiredInput(ctx, 1));
    const double r = r_in->GetAsDouble(0) / (1.0 + t_in->GetAsDouble(0) * decay_);
    const int n = (ctx.num_inputs() - 2) / 3;
    for (int k = 0; k < n; ++k) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 2 + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* g, RequiredInput(ctx, 2 + n + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* h, RequiredInput(ctx, 2 + 2 * n + k));
      if (g->shape() != x->shape() || h->shape() != x->shape())
        return ctx.Error("X, G and H " + std::to_string(k) + " have different shapes");
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 2 + k, 2 + n + k));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 2 + k, 2 + 2 * n + k));
      FERRY_ASSIGN_OR_RETURN(Tensor * x_new, ctx.Output(k, x->dtype(), x->shape()));
      FERRY_ASSIGN_OR_RETURN(Tensor * h_new, ctx.Output(n + k, x->dtype(), x->shape()));
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        for (int64_t i = 0; i < x->NumElements(); ++i) {
          const T xi = x->data<T>()[i];
          const T gr = static_cast<T>(norm_ * xi + g->data<T>()[i]);
          const T hn = h->data<T>()[i] + gr * gr;
          h_new->data<T>()[i] = hn;
          x_new->data<T>()[i] = static_cast<T>(xi - r * gr / (std::sqrt(hn) + epsilon_));
        }
        return Status::Ok();
      }));
    }
    return Status::Ok();
  }

 private:
  double decay_, epsilon_, norm_;
};

}  // namespace

void RegisterAdagrad(OpSet& s) { s.Add<Adagrad>("Adagrad", 1, "ai.onnx.preview.training"); }

}  // namespace ferry::onnx::ops
