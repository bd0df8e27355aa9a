// ONNX ai.onnx.preview.training Adagrad, Adam and Momentum (1): one optimizer step for n
// tensors, as float32 elementwise TF ops (formulas as ferry's runtime, onnx/ops/adagrad.cc,
// adam.cc, momentum.cc, from onnx Operators.md):
//   Adagrad:  r = R / (1 + T * decay_factor); g = norm_coefficient * X + G; H_new = H + g^2;
//             X_new = X - r * g / (sqrt(H_new) + epsilon)
//   Adam:     g as above; V_new = alpha * V + (1 - alpha) * g; H_new = beta * H + (1 - beta) g^2;
//             r = T > 0 ? R * sqrt(1 - beta^T) / (1 - alpha^T) : R (SelectV2 on T > 0);
//             X_new = (1 - norm_coefficient_post) * (X - r * V_new / (sqrt(H_new) + epsilon))
//   Momentum: V_new = alpha * V + (T > 0 ? beta : 1) * g; standard: X_new = X - R * V_new;
//             nesterov: X_new = X - R * (g + alpha * V_new)
// The scalars R (float) and T (int64, int32 in the graph) are run-time inputs.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

enum class Opt { kAdagrad, kAdam, kMomentum };

class TrainingToTf final : public OpConverter {
 public:
  TrainingToTf(const std::string& op, Opt o) : OpConverter(op, 1), opt_(o) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    switch (opt_) {
      case Opt::kAdagrad: return {"decay_factor", "epsilon", "norm_coefficient"};
      case Opt::kAdam:
        return {"alpha", "beta", "epsilon", "norm_coefficient", "norm_coefficient_post"};
      case Opt::kMomentum: return {"alpha", "beta", "mode", "norm_coefficient"};
    }
    return {};
  }
  int States() const { return opt_ == Opt::kAdam ? 4 : 3; }  // X, G and the state inputs

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const int k = (n.num_inputs() - 2) / States();
    for (int i = 0; i < n.num_outputs(); ++i) {
      if (!n.output(i) || k == 0) continue;
      const ValueFacts& x = ctx.in(2 + i % k);
      ctx.out(i).dtype = x.dtype;
      ctx.out(i).dims = x.dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (n.domain() != "ai.onnx.preview.training")
      return b.Error("expected domain ai.onnx.preview.training");
    const int s = States();
    const int k = (n.num_inputs() - 2) / s;
    if (k < 1 || n.num_inputs() != 2 + s * k || n.num_outputs() != (s - 1) * k)
      return b.Error("expected 2 + " + std::to_string(s) + "n inputs and " +
                     std::to_string(s - 1) + "n outputs");
    const DataType f = DataType::kFloat32;
    for (int i = 2; i < n.num_inputs(); ++i)
      if (b.in_facts(i).dtype != f) return b.Error("only float32 tensors convert");
    const std::string p = n.name();
    auto c = [&](double v) { return b.Const(Tensor::Scalar<float>(static_cast<float>(v)), p + "/c"); };
    auto op = [&](const char* o, ir::Value* x, ir::Value* y, const std::string& name = "") {
      return EmitT(b, o, {x, y}, f, name);
    };
    auto un = [&](const char* o, ir::Value* x) { return EmitT(b, o, {x}, f, ""); };
    FERRY_ASSIGN_OR_RETURN(ir::Value * r, b.Input(0));
    if (b.in_facts(0).dtype != f) r = EmitCast(b, r, b.in_facts(0).dtype, f, p + "/r_float");
    FERRY_ASSIGN_OR_RETURN(ir::Value * t, b.Input(1));
    const DataType tt = b.in_facts(1).dtype;
    ir::Value* tf = EmitCast(b, t, tt, f, p + "/t_float");
    ir::Value* t_pos = b.Emit("Greater", {tf, c(0)}, {{"T", TypeAttr(f)}}, DataType::kBool)
                           ->output(0);
    const float norm = n.GetFloat("norm_coefficient", 0.f);
    const float alpha = n.GetFloat("alpha", opt_ == Opt::kAdam ? 0.9f : 0.f);
    const float beta = n.GetFloat("beta", opt_ == Opt::kAdam ? 0.999f : 0.f);
    const float eps = n.GetFloat("epsilon", 1e-6f);
    bool nesterov = false;
    if (opt_ == Opt::kMomentum) {
      const std::string mode = n.GetString("mode", "");
      if (mode != "standard" && mode != "nesterov")
        return b.Unsupported("mode", "'" + mode + "' is not standard or nesterov");
      nesterov = mode == "nesterov";
    }
    ir::Value* rate = r;
    if (opt_ == Opt::kAdagrad) {
      rate = op("RealDiv", r, op("AddV2", c(1), op("Mul", tf, c(n.GetFloat("decay_factor", 0.f)))));
    } else if (opt_ == Opt::kAdam) {
      ir::Value* pa = op("Pow", c(alpha), tf);
      ir::Value* pb = op("Pow", c(beta), tf);
      ir::Value* corrected =
          op("RealDiv", op("Mul", r, un("Sqrt", op("Sub", c(1), pb))), op("Sub", c(1), pa));
      rate = EmitT(b, "SelectV2", {t_pos, corrected, r}, f, "");
    }
    ir::Value* beta_eff = nullptr;
    if (opt_ == Opt::kMomentum) beta_eff = EmitT(b, "SelectV2", {t_pos, c(beta), c(1)}, f, "");
    for (int i = 0; i < k; ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(2 + i));
      FERRY_ASSIGN_OR_RETURN(ir::Value * g, b.Input(2 + k + i));
      FERRY_ASSIGN_OR_RETURN(ir::Value * s1, b.Input(2 + 2 * k + i));
      ir::Value* gr = op("AddV2", op("Mul", c(norm), x), g);
      if (opt_ == Opt::kAdagrad) {
        ir::Value* hn = op("AddV2", s1, un("Square", gr), b.OutName(k + i));
        ir::Value* step = op("RealDiv", op("Mul", rate, gr), op("AddV2", un("Sqrt", hn), c(eps)));
        b.SetOutput(i, op("Sub", x, step, b.OutName(i)));
        b.SetOutput(k + i, hn);
      } else if (opt_ == Opt::kAdam) {
        FERRY_ASSIGN_OR_RETURN(ir::Value * h, b.Input(2 + 3 * k + i));
        ir::Value* vn =
            op("AddV2", op("Mul", c(alpha), s1), op("Mul", c(1.0 - alpha), gr), b.OutName(k + i));
        ir::Value* hn = op("AddV2", op("Mul", c(beta), h),
                           op("Mul", c(1.0 - beta), un("Square", gr)), b.OutName(2 * k + i));
        ir::Value* stepped = op(
            "Sub", x, op("Mul", rate, op("RealDiv", vn, op("AddV2", un("Sqrt", hn), c(eps)))));
        const float post = n.GetFloat("norm_coefficient_post", 0.f);
        b.SetOutput(i, op("Mul", c(1.0 - post), stepped, b.OutName(i)));
        b.SetOutput(k + i, vn);
        b.SetOutput(2 * k + i, hn);
      } else {
        ir::Value* vn =
            op("AddV2", op("Mul", c(alpha), s1), op("Mul", beta_eff, gr), b.OutName(k + i));
        ir::Value* dir = nesterov ? op("AddV2", gr, op("Mul", c(alpha), vn)) : vn;
        b.SetOutput(i, op("Sub", x, op("Mul", r, dir), b.OutName(i)));
        b.SetOutput(k + i, vn);
      }
    }
    return Status::Ok();
  }

 private:
  Opt opt_;
};

}  // namespace

void RegisterTraining(ConverterTable& t) {
  t.Add(std::make_unique<TrainingToTf>("Adagrad", Opt::kAdagrad));
  t.Add(std::make_unique<TrainingToTf>("Adam", Opt::kAdam));
  t.Add(std::make_unique<TrainingToTf>("Momentum", Opt::kMomentum));
}

}  // namespace ferry::convert::onnx_to_tf::ops
