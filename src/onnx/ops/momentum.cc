// ONNX Momentum (ai.onnx.preview.training, 1): one step of SGD with momentum for n tensors.
// Inputs R, T, X_1..X_n, G_1..G_n, V_1..V_n; outputs X_new_1..n, V_new_1..n (onnx
// Operators.md, Momentum):
//   g = norm_coefficient * X + G; V_new = alpha * V + (T > 0 ? beta : 1) * g;
//   standard: X_new = X - R * V_new; nesterov: X_new = X - R * (g + alpha * V_new)
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Momentum final : public Op {
 public:
  explicit Momentum(const NodeInfo& info)
      : alpha_(info.node().GetFloat("alpha", 0.0f)),
        beta_(info.node().GetFloat("beta", 0.0f)),
        norm_(info.node().GetFloat("norm_coefficient", 0.0f)) {
    const std::string mode = info.node().GetString("mode", "");
    if (mode == "nesterov") {
      nesterov_ = true;
    } else if (mode != "standard") {
      init_status_ = info.Error("mode is '" + mode + "', expected standard or nesterov");
    }
    for (const char* a : {"alpha", "beta", "norm_coefficient"})
      if (!info.node().has_attr(a)) init_status_ = info.Error(std::string("attribute ") + a +
                                                              " is required");
    if ((info.num_inputs() - 2) % 3 != 0 || info.num_inputs() < 5 ||
        info.num_outputs() != 2 * (info.num_inputs() - 2) / 3)
      init_status_ = info.Error("expects R, T and n each of X, G, V, and 2n outputs");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* r_in, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* t_in, RequiredInput(ctx, 1));
    const double r = r_in->GetAsDouble(0);
    // The gradient's coefficient is 1 at the first step (T = 0).
    const double beta = t_in->GetAsDouble(0) > 0 ? beta_ : 1.0;
    const int n = (ctx.num_inputs() - 2) / 3;
    for (int k = 0; k < n; ++k) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 2 + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* g, RequiredInput(ctx, 2 + n + k));
      FERRY_ASSIGN_OR_RETURN(const Tensor* v, RequiredInput(ctx, 2 + 2 * n + k));
      if (g->shape() != x->shape() || v->shape() != x->shape())
        return ctx.Error("X, G and V " + std::to_string(k) + " have different shapes");
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 2 + k, 2 + n + k));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 2 + k, 2 + 2 * n + k));
      FERRY_ASSIGN_OR_RETURN(Tensor * x_new, ctx.Output(k, x->dtype(), x->shape()));
      FERRY_ASSIGN_OR_RETURN(Tensor * v_new, ctx.Output(n + k, x->dtype(), x->shape()));
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        for (int64_t i = 0; i < x->NumElements(); ++i) {
          const T xi = x->data<T>()[i];
          const T gr = static_cast<T>(norm_ * xi + g->data<T>()[i]);
          const T vn = static_cast<T>(alpha_ * v->data<T>()[i] + beta * gr);
          v_new->data<T>()[i] = vn;
          x_new->data<T>()[i] =
              static_cast<T>(nesterov_ ? xi - r * (gr + alpha_ * vn) : xi - r * vn);
        }
        return Status::Ok();
      }));
    }
    return Status::Ok();
  }

 private:
  double alpha_, beta_, norm_;
  bool nesterov_ = false;
};

}  // namespace

void RegisterMomentum(OpSet& s) { s.Add<Momentum>("Momentum", 1, "ai.onnx.preview.training"); }

}  // namespace ferry::onnx::ops
