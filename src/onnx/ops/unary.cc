// ONNX elementwise unary maths: Relu, Sigmoid, Tanh, Erf, Sqrt, Exp, Log, Neg, Abs,
// Reciprocal, Floor, Ceil, Round, Sign, Cos, Sin, HardSwish, HardSigmoid, LeakyRelu, Elu,
// Selu, Softplus, Softsign, ThresholdedRelu, Tan, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh,
// Atanh, Celu, Shrink. One class, the kernel op as
// its template argument.
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

using kernels::UnaryOp;

template <UnaryOp K>
class Unary final : public Op {
  // Relu-14, Neg, Abs and Sign are defined on integers too.
  static constexpr bool kIntegral =
      K == UnaryOp::kRelu || K == UnaryOp::kNeg || K == UnaryOp::kAbs || K == UnaryOp::kSign;

 public:
  explicit Unary(const NodeInfo& info) {
    params_.op = K;
    if (K == UnaryOp::kLeakyRelu) params_.alpha = info.node().GetFloat("alpha", 0.01f);
    if (K == UnaryOp::kElu) params_.alpha = info.node().GetFloat("alpha", 1.0f);
    if (K == UnaryOp::kThresholdedRelu) params_.alpha = info.node().GetFloat("alpha", 1.0f);
    if (K == UnaryOp::kSelu) {  // ONNX Selu-6 defaults
      params_.alpha = info.node().GetFloat("alpha", 1.67326319217681884765625f);
      params_.beta = info.node().GetFloat("gamma", 1.05070102214813232421875f);
    }
    if (K == UnaryOp::kCelu) params_.alpha = info.node().GetFloat("alpha", 1.0f);
    if (K == UnaryOp::kShrink) {  // ONNX Shrink-9 defaults
      params_.alpha = info.node().GetFloat("lambd", 0.5f);
      params_.beta = info.node().GetFloat("bias", 0.0f);
    }
    if (K == UnaryOp::kHardSigmoid) {
      params_.alpha = info.node().GetFloat("alpha", 0.2f);
      params_.beta = info.node().GetFloat("beta", 0.5f);
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    auto run = [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Unary<T>(params_, x->data<T>(), y->data<T>(), x->NumElements());
      return Status::Ok();
    };
    if constexpr (kIntegral) return Dispatch<Types::kNumeric>(ctx, x->dtype(), run);
    return Dispatch<Types::kFloat>(ctx, x->dtype(), run);
  }

 private:
  kernels::UnaryParams params_;
};

template <UnaryOp K>
void AddVersions(OpSet& s, const char* name, std::initializer_list<int> versions) {
  for (int v : versions) s.Add<Unary<K>>(name, v);
}

}  // namespace

void RegisterRelu(OpSet& s) { AddVersions<UnaryOp::kRelu>(s, "Relu", {1, 6, 13, 14}); }
void RegisterSigmoid(OpSet& s) { AddVersions<UnaryOp::kSigmoid>(s, "Sigmoid", {1, 6, 13}); }
void RegisterTanh(OpSet& s) { AddVersions<UnaryOp::kTanh>(s, "Tanh", {1, 6, 13}); }
void RegisterErf(OpSet& s) { AddVersions<UnaryOp::kErf>(s, "Erf", {9, 13}); }
void RegisterSqrt(OpSet& s) { AddVersions<UnaryOp::kSqrt>(s, "Sqrt", {1, 6, 13}); }
void RegisterExp(OpSet& s) { AddVersions<UnaryOp::kExp>(s, "Exp", {1, 6, 13}); }
void RegisterLog(OpSet& s) { AddVersions<UnaryOp::kLog>(s, "Log", {1, 6, 13}); }
void RegisterNeg(OpSet& s) { AddVersions<UnaryOp::kNeg>(s, "Neg", {1, 6, 13}); }
void RegisterAbs(OpSet& s) { AddVersions<UnaryOp::kAbs>(s, "Abs", {1, 6, 13}); }
void RegisterReciprocal(OpSet& s) {
  AddVersions<UnaryOp::kReciprocal>(s, "Reciprocal", {1, 6, 13});
}
void RegisterFloor(OpSet& s) { AddVersions<UnaryOp::kFloor>(s, "Floor", {1, 6, 13}); }
void RegisterCeil(OpSet& s) { AddVersions<UnaryOp::kCeil>(s, "Ceil", {1, 6, 13}); }
void RegisterHardSwish(OpSet& s) { AddVersions<UnaryOp::kHardSwish>(s, "HardSwish", {14}); }
void RegisterHardSigmoid(OpSet& s) { AddVersions<UnaryOp::kHardSigmoid>(s, "HardSigmoid", {1, 6}); }
void RegisterLeakyRelu(OpSet& s) { AddVersions<UnaryOp::kLeakyRelu>(s, "LeakyRelu", {1, 6, 16}); }
void RegisterRound(OpSet& s) { AddVersions<UnaryOp::kRound>(s, "Round", {11}); }
void RegisterSign(OpSet& s) { AddVersions<UnaryOp::kSign>(s, "Sign", {9, 13}); }
void RegisterCos(OpSet& s) { AddVersions<UnaryOp::kCos>(s, "Cos", {7}); }
void RegisterSin(OpSet& s) { AddVersions<UnaryOp::kSin>(s, "Sin", {7}); }
void RegisterElu(OpSet& s) { AddVersions<UnaryOp::kElu>(s, "Elu", {1, 6}); }
void RegisterSelu(OpSet& s) { AddVersions<UnaryOp::kSelu>(s, "Selu", {1, 6}); }
void RegisterSoftplus(OpSet& s) { AddVersions<UnaryOp::kSoftplus>(s, "Softplus", {1}); }
void RegisterSoftsign(OpSet& s) { AddVersions<UnaryOp::kSoftsign>(s, "Softsign", {1}); }
void RegisterThresholdedRelu(OpSet& s) {
  AddVersions<UnaryOp::kThresholdedRelu>(s, "ThresholdedRelu", {10});
}

void RegisterTan(OpSet& s) { AddVersions<UnaryOp::kTan>(s, "Tan", {7}); }
void RegisterAsin(OpSet& s) { AddVersions<UnaryOp::kAsin>(s, "Asin", {7}); }
void RegisterAcos(OpSet& s) { AddVersions<UnaryOp::kAcos>(s, "Acos", {7}); }
void RegisterAtan(OpSet& s) { AddVersions<UnaryOp::kAtan>(s, "Atan", {7}); }
void RegisterSinh(OpSet& s) { AddVersions<UnaryOp::kSinh>(s, "Sinh", {9}); }
void RegisterCosh(OpSet& s) { AddVersions<UnaryOp::kCosh>(s, "Cosh", {9}); }
void RegisterAsinh(OpSet& s) { AddVersions<UnaryOp::kAsinh>(s, "Asinh", {9}); }
void RegisterAcosh(OpSet& s) { AddVersions<UnaryOp::kAcosh>(s, "Acosh", {9}); }
void RegisterAtanh(OpSet& s) { AddVersions<UnaryOp::kAtanh>(s, "Atanh", {9}); }
void RegisterCelu(OpSet& s) { AddVersions<UnaryOp::kCelu>(s, "Celu", {12}); }
void RegisterShrink(OpSet& s) { AddVersions<UnaryOp::kShrink>(s, "Shrink", {9}); }

}  // namespace ferry::onnx::ops
