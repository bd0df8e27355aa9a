// ONNX elementwise unary maths: Relu, Sigmoid, Tanh, Erf, Sqrt, Exp, Log, Neg, Abs,
// Reciprocal, Floor, Ceil, HardSwish, HardSigmoid, LeakyRelu. One class, the kernel op as
// its template argument.
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

using kernels::UnaryOp;

template <UnaryOp K>
class Unary final : public Op {
 public:
  explicit Unary(const NodeInfo& info) {
    params_.op = K;
    if (K == UnaryOp::kLeakyRelu) params_.alpha = info.node().GetFloat("alpha", 0.01f);
    if (K == UnaryOp::kHardSigmoid) {
      params_.alpha = info.node().GetFloat("alpha", 0.2f);
      params_.beta = info.node().GetFloat("beta", 0.5f);
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    // Relu-14, Neg and Abs are defined on signed integers too.
    const bool integral = K == UnaryOp::kRelu || K == UnaryOp::kNeg || K == UnaryOp::kAbs;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch(ctx, x->dtype(), integral ? Types::kNumeric : Types::kFloat,
                    [&](auto tag) -> Status {
                      using T = decltype(tag);
                      kernels::Unary<T>(params_, x->data<T>(), y->data<T>(), x->NumElements());
                      return Status::Ok();
                    });
  }

 private:
  kernels::UnaryParams params_;
};

template <UnaryOp K>
void AddVersions(OpSet& s, const char* name, std::initializer_list<int> versions) {
  for (int v : versions) s.Add<Unary<K>>(name, v);
}

}  // namespace

void RegisterRelu(OpSet& s) { AddVersions<UnaryOp::kRelu>(s, "Relu", {6, 13, 14}); }
void RegisterSigmoid(OpSet& s) { AddVersions<UnaryOp::kSigmoid>(s, "Sigmoid", {6, 13}); }
void RegisterTanh(OpSet& s) { AddVersions<UnaryOp::kTanh>(s, "Tanh", {6, 13}); }
void RegisterErf(OpSet& s) { AddVersions<UnaryOp::kErf>(s, "Erf", {9, 13}); }
void RegisterSqrt(OpSet& s) { AddVersions<UnaryOp::kSqrt>(s, "Sqrt", {6, 13}); }
void RegisterExp(OpSet& s) { AddVersions<UnaryOp::kExp>(s, "Exp", {6, 13}); }
void RegisterLog(OpSet& s) { AddVersions<UnaryOp::kLog>(s, "Log", {6, 13}); }
void RegisterNeg(OpSet& s) { AddVersions<UnaryOp::kNeg>(s, "Neg", {6, 13}); }
void RegisterAbs(OpSet& s) { AddVersions<UnaryOp::kAbs>(s, "Abs", {6, 13}); }
void RegisterReciprocal(OpSet& s) { AddVersions<UnaryOp::kReciprocal>(s, "Reciprocal", {6, 13}); }
void RegisterFloor(OpSet& s) { AddVersions<UnaryOp::kFloor>(s, "Floor", {6, 13}); }
void RegisterCeil(OpSet& s) { AddVersions<UnaryOp::kCeil>(s, "Ceil", {6, 13}); }
void RegisterHardSwish(OpSet& s) { AddVersions<UnaryOp::kHardSwish>(s, "HardSwish", {14}); }
void RegisterHardSigmoid(OpSet& s) {
  AddVersions<UnaryOp::kHardSigmoid>(s, "HardSigmoid", {6});
}
void RegisterLeakyRelu(OpSet& s) { AddVersions<UnaryOp::kLeakyRelu>(s, "LeakyRelu", {6, 16}); }

}  // namespace ferry::onnx::ops
