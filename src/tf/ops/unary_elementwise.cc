// TF's float unary activations: Relu, Relu6, Sigmoid, Tanh, Exp, Neg, Sqrt, Abs
// (tensorflow/core/ops/nn_ops.cc, math_ops.cc). One class parameterised by the function.
#include <algorithm>
#include <cmath>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

enum class UnaryKind { kRelu, kRelu6, kSigmoid, kTanh, kExp, kNeg, kSqrt, kAbs };

template <UnaryKind K>
class UnaryElementwise final : public runtime::Op {
 public:
  explicit UnaryElementwise(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->dtype() != DataType::kFloat32)
      return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, x->dtype(), x->shape()));
    const float* in = x->data<float>();
    float* o = out->data<float>();
    const int64_t n = x->NumElements();
    for (int64_t i = 0; i < n; ++i) o[i] = Fn(in[i]);
    return Status::Ok();
  }

 private:
  static float Fn(float v) {
    if constexpr (K == UnaryKind::kRelu) return v > 0.f ? v : 0.f;
    if constexpr (K == UnaryKind::kRelu6) return std::min(std::max(v, 0.f), 6.f);
    if constexpr (K == UnaryKind::kSigmoid) return 1.f / (1.f + std::exp(-v));
    if constexpr (K == UnaryKind::kTanh) return std::tanh(v);
    if constexpr (K == UnaryKind::kExp) return std::exp(v);
    if constexpr (K == UnaryKind::kNeg) return -v;
    if constexpr (K == UnaryKind::kSqrt) return std::sqrt(v);
    if constexpr (K == UnaryKind::kAbs) return std::fabs(v);
  }
};

}  // namespace

void RegisterUnaryElementwise(runtime::OpSet& s) {
  s.Add<UnaryElementwise<UnaryKind::kRelu>>("Relu", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kRelu6>>("Relu6", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kSigmoid>>("Sigmoid", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kTanh>>("Tanh", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kExp>>("Exp", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kNeg>>("Neg", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kSqrt>>("Sqrt", 1, "tf");
  s.Add<UnaryElementwise<UnaryKind::kAbs>>("Abs", 1, "tf");
}

}  // namespace ferry::tf::ops
