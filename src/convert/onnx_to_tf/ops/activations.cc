// ONNX activations with attributes, layout-agnostic:
//   LeakyRelu (6, 16)       -> TF LeakyRelu(alpha)
//   Elu (6)                 -> TF Elu when alpha = 1, else Relu(x) + alpha * Minimum(Elu(x), 0)
//   Selu (6)                -> TF Selu for ONNX's default alpha/gamma (TF's constants agree
//                              to float precision), else gamma * (Relu(x) + alpha * Min(Elu, 0))
//   HardSigmoid (6)         -> ClipByValue(alpha * x + beta, 0, 1)
//   HardSwish (14)          -> x * ClipByValue(x / 6 + 1/2, 0, 1)
//   PRelu (6, 7, 9, 16)      -> Maximum(x, 0) + slope * Minimum(x, 0) (TF has no PReLU op;
//                              TF.js's Prelu is a fusion of exactly this pattern). PRelu-6's
//                              1-D slope of size C is per channel (axis 1), not NumPy-
//                              broadcast: it is reshaped to [C, 1, ...] ([C] in NHWC).
//   ThresholdedRelu (10)    -> x * Cast(Greater(x, alpha))
//   Celu (12)               -> Relu(x) + alpha * Minimum(Elu(x / alpha), 0): ONNX's
//                              max(0, x) + min(0, alpha * (exp(x / alpha) - 1))
// ONNX's Elu/Selu negative branch alpha * (exp(x) - 1) equals alpha * Minimum(Elu(x), 0).
#include <cmath>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

enum class Act {
  kLeakyRelu, kElu, kSelu, kHardSigmoid, kHardSwish, kPRelu, kThresholdedRelu, kCelu
};

class ActivationToTf final : public OpConverter {
 public:
  ActivationToTf(const std::string& onnx, int since, Act act)
      : OpConverter(onnx, since), act_(act) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override {
    switch (act_) {
      case Act::kSelu: return {"alpha", "gamma"};
      case Act::kHardSigmoid: return {"alpha", "beta"};
      case Act::kHardSwish:
      case Act::kPRelu: return {};
      default: return {"alpha"};
    }
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    if (act_ == Act::kPRelu && PerChannelSlope(ctx.in(0), ctx.in(1))) {
      ctx.out(0).dims = ctx.in(0).dims;
    } else if (act_ == Act::kPRelu) {
      FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(ctx.in(0), ctx.in(1), ctx));
    } else {
      ctx.out(0).dims = ctx.in(0).dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const DataType f = DataType::kFloat32;
    const Attrs t = {{"T", TypeAttr(f)}};
    const std::string& p = n.name();
    auto scalar = [&](float v, const std::string& hint) {
      return b.Const(Tensor::Scalar<float>(v), p + "/" + hint);
    };
    auto emit = [&](const std::string& op, std::vector<ir::Value*> ins, const std::string& name,
                    Attrs attrs = {}) {
      if (attrs.empty()) attrs = t;
      return b.Emit(op, std::move(ins), attrs, f, name)->output(0);
    };
    // Relu(x) + alpha * Minimum(Elu(x), 0), the last node named `out`.
    auto general_elu = [&](float alpha, const std::string& out) {
      ir::Value* neg = emit("Minimum", {emit("Elu", {x}, p + "/elu"), scalar(0.f, "zero")},
                            p + "/elu_neg");
      ir::Value* scaled = emit("Mul", {neg, scalar(alpha, "alpha")}, p + "/elu_scaled");
      return emit("AddV2", {emit("Relu", {x}, p + "/relu"), scaled}, out);
    };
    ir::Value* y = nullptr;
    switch (act_) {
      case Act::kLeakyRelu:
        y = emit("LeakyRelu", {x}, b.OutName(0),
                 {{"T", TypeAttr(f)}, {"alpha", ir::Attribute::Float(n.GetFloat("alpha", 0.01f))}});
        break;
      case Act::kElu: {
        const float alpha = n.GetFloat("alpha", 1.f);
        y = alpha == 1.f ? emit("Elu", {x}, b.OutName(0)) : general_elu(alpha, b.OutName(0));
        break;
      }
      case Act::kSelu: {
        // ONNX's defaults are TF's constants rounded to float.
        const float alpha = n.GetFloat("alpha", 1.67326319217681884765625f);
        const float gamma = n.GetFloat("gamma", 1.05070102214813232421875f);
        if (std::fabs(alpha - 1.6732632f) < 1e-6f && std::fabs(gamma - 1.0507010f) < 1e-6f) {
          y = emit("Selu", {x}, b.OutName(0));
        } else {
          y = emit("Mul", {general_elu(alpha, p + "/elu_general"), scalar(gamma, "gamma")},
                   b.OutName(0));
        }
        break;
      }
      case Act::kHardSigmoid:
      case Act::kHardSwish: {
        const bool swish = act_ == Act::kHardSwish;
        const float alpha = swish ? 1.f / 6.f : n.GetFloat("alpha", 0.2f);
        const float beta = swish ? 0.5f : n.GetFloat("beta", 0.5f);
        ir::Value* lin = emit("AddV2", {emit("Mul", {x, scalar(alpha, "alpha")}, p + "/scaled"),
                                        scalar(beta, "beta")},
                              p + "/shifted");
        ir::Value* clip = emit("ClipByValue", {lin, scalar(0.f, "zero"), scalar(1.f, "one")},
                               swish ? p + "/hard_sigmoid" : b.OutName(0));
        y = swish ? emit("Mul", {x, clip}, b.OutName(0)) : clip;
        break;
      }
      case Act::kPRelu: {
        ir::Value* slope = nullptr;
        if (PerChannelSlope(b.in_facts(0), b.in_facts(1))) {
          const int r = b.in_facts(0).rank();
          std::vector<int64_t> shape = {-1};
          if (!b.channels_last(r)) shape.resize(r - 1, 1);
          FERRY_ASSIGN_OR_RETURN(ir::Value * raw, b.ValueIn(n.input(1), ValueLayout::kPlain));
          slope = b.Emit("Reshape", {raw, b.ConstInt32(shape, p + "/slope_shape")},
                         {{"T", TypeAttr(f)}, {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                         f, p + "/slope_per_channel")
                      ->output(0);
        } else {
          FERRY_ASSIGN_OR_RETURN(slope, b.Input(1));
        }
        ir::Value* zero = scalar(0.f, "zero");
        ir::Value* neg = emit("Mul", {slope, emit("Minimum", {x, zero}, p + "/neg")},
                              p + "/neg_scaled");
        y = emit("AddV2", {emit("Maximum", {x, zero}, p + "/pos"), neg}, b.OutName(0));
        break;
      }
      case Act::kThresholdedRelu: {
        ir::Value* above =
            b.Emit("Greater", {x, scalar(n.GetFloat("alpha", 1.f), "alpha")}, t, DataType::kBool,
                   p + "/above")
                ->output(0);
        ir::Value* mask = emit("Cast", {above}, p + "/mask",
                               {{"SrcT", ir::Attribute::Type(DataType::kBool)},
                                {"DstT", TypeAttr(f)},
                                {"Truncate", ir::Attribute::Bool(false)}});
        y = emit("Mul", {x, mask}, b.OutName(0));
        break;
      }
      case Act::kCelu: {
        const float alpha = n.GetFloat("alpha", 1.f);
        if (alpha == 0.f) return b.Unsupported("alpha", "= 0 divides by zero");
        ir::Value* elu = emit("Elu", {emit("RealDiv", {x, scalar(alpha, "alpha")}, p + "/scaled")},
                              p + "/elu");
        ir::Value* neg = emit("Mul", {emit("Minimum", {elu, scalar(0.f, "zero")}, p + "/elu_neg"),
                                      scalar(alpha, "alpha_out")},
                              p + "/neg");
        y = emit("AddV2", {emit("Relu", {x}, p + "/relu"), neg}, b.OutName(0));
        break;
      }
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }

 private:
  // PRelu-6: a 1-D slope whose size is the channel count of a rank > 2 input.
  bool PerChannelSlope(const ValueFacts& x, const ValueFacts& slope) const {
    if (act_ != Act::kPRelu || since_opset() >= 7 || x.rank() <= 2 || slope.rank() != 1)
      return false;
    const ir::Dim& c = (*x.dims)[1];
    const ir::Dim& s = (*slope.dims)[0];
    return c.known() && s.known() && c.value == s.value && c.value != 1;
  }

  Act act_;
};

}  // namespace

void RegisterActivations(ConverterTable& t) {
  t.Add(std::make_unique<ActivationToTf>("LeakyRelu", 6, Act::kLeakyRelu));
  t.Add(std::make_unique<ActivationToTf>("Elu", 6, Act::kElu));
  t.Add(std::make_unique<ActivationToTf>("Selu", 6, Act::kSelu));
  t.Add(std::make_unique<ActivationToTf>("HardSigmoid", 6, Act::kHardSigmoid));
  t.Add(std::make_unique<ActivationToTf>("HardSwish", 14, Act::kHardSwish));
  t.Add(std::make_unique<ActivationToTf>("PRelu", 6, Act::kPRelu));
  t.Add(std::make_unique<ActivationToTf>("PRelu", 7, Act::kPRelu));
  t.Add(std::make_unique<ActivationToTf>("ThresholdedRelu", 10, Act::kThresholdedRelu));
  t.Add(std::make_unique<ActivationToTf>("Celu", 12, Act::kCelu));
}

}  // namespace ferry::convert::onnx_to_tf::ops
