// ONNX Adam (ai.onnx.preview.training, 1): one Adam step for n tensors. Inputs R, T,
// X_1..X_n, G_1..G_n, V_1..V_n, H_1..H_n; outputs X_new, V_new, H_new for each (onnx
// Operators.md, Adam):
//   g = norm_coefficient * X + G; V_new = alpha * V + (1 - alpha) * g;
//   H_new = beta * H + (1 - beta) * g * g;
//   R' = T > 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R;
//   X_new = (1 - norm_coefficient_post) * (X - R' * V_new / (sqrt(H_new) + epsilon))
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Adam final : public Op {
 public:
  explicit Adam(const NodeInfo& info)
      : alpha_(info.node().GetFloat("alpha", 0.9f)),
        beta_(info.node().GetFloat("beta", 0.999f)),
        epsilon_(info.node().GetFloat("epsilon", 1e-6f)),
        norm_(info.node().GetFloat("norm_coefficient", 0.0f)),
        norm_post_(info.node().GetFloat("norm_coefficient_post", 0.0f)) {
    if ((info.num_inputs() - 2) % 4 != 0 || info.num_inputs() < 6 ||
        info.num_outputs() != 3 * (info.num_inputs() - 2) / 4)
      init_status_ = info.Error("expects R, T and n each of X, G, V, H, and 3n outputs");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* r_in, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* t_in, RequiredInput(ctx, 1));
    const double t = t_in->GetAsDouble(0);
    double r = r_in->GetAsDouble(0);
    // Bias correction of both momentums from the second step on.
    if (t > 0) r = r * std::sqrt(1 - std::pow(beta_, t)) / (1 - std::pow(alpha_, t));
    const int n = (ctx.num_inputs() - 2) / 4;
    for (int k = 0; k < n; ++k) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 2 + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* g, RequiredInput(ctx, 2 + n + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* v, RequiredInput(ctx, 2 + 2 * n + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* h, RequiredInput(ctx, 2 + 3 * n + k));
      if (g->shape() != x->shape() || v->shape() != x->shape() || h->shape() != x->shape())
        return ctx.Error("X, G, V and H " + std::to_string(k) + " have different shapes");
      for (int j = 1; j < 4; ++j) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 2 + k, 2 + j * n + k));
      FERRY_ASSIGN_OR_RETURN(Tensor * x_new, ctx.Output(k, x->dtype(), x->shape()));
      FERRY_ASSIGN_OR_RETURN(Tensor * v_new, ctx.Output(n + k, x->dtype(), x->shape()));
      FERRY_ASSIGN_OR_RETURN(Tensor * h_new, ctx.Output(2 * n + k, x->dtype(), x->shape()));
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        for (int64_t i = 0; i < x->NumElements(); ++i) {
          const T xi = x->data<T>()[i];
          const T gr = static_cast<T>(norm_ * xi + g->data<T>()[i]);
          const T vn = static_cast<T>(alpha_ * v->data<T>()[i] + (1 - alpha_) * gr);
          const T hn = static_cast<T>(beta_ * h->data<T>()[i] + (1 - beta_) * gr * gr);
          v_new->data<T>()[i] = vn;
          h_new->data<T>()[i] = hn;
          const double stepped = xi - r * (vn / (std::sqrt(hn) + epsilon_));
          x_new->data<T>()[i] = static_cast<T>((1 - norm_post_) * stepped);
        }
        return Status::Ok();
      }));
    }
    return Status::Ok();
  }

 private:
  double alpha_, beta_, epsilon_, norm_, norm_post_;
};

}  // namespace

void RegisterAdam(OpSet& s) { s.Add<Adam>("Adam", 1, "ai.onnx.preview.training"); }

}  // namespace ferry::onnx::ops
