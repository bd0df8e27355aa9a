// ONNX Clip -> TF Relu6 for [0, 6] (torch's ReLU6, MobileNetV2), Relu for [0, +inf),
// else ClipByValue / Maximum / Minimum. Clip-6 has min/max attributes; Clip-11 inputs: a
// bound computed at run time becomes Maximum/Minimum with that tensor.
#include <limits>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ClipToTf final : public OpConverter {
 public:
  explicit ClipToTf(int since) : OpConverter("Clip", since) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 11) return {"min", "max"};
    return {};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (since_opset() >= 11 && ((n.input(1) && !b.ConstInput(1)) || (n.input(2) && !b.ConstInput(2))))
      return ConvertDynamic(n, b);
    const float kInf = std::numeric_limits<float>::infinity();
    float lo = -kInf, hi = kInf;
    if (since_opset() < 11) {
      lo = n.GetFloat("min", -std::numeric_limits<float>::max());
      hi = n.GetFloat("max", std::numeric_limits<float>::max());
    } else {
      for (int i = 1; i <= 2; ++i) {
        if (!n.input(i)) continue;
        const Tensor* t = b.ConstInput(i);
        if (!t || t->NumElements() != 1)
          return b.Error("input " + std::to_string(i) + " must be a constant scalar to convert");
        (i == 1 ? lo : hi) = static_cast<float>(t->GetAsDouble(0));
      }
    }
    if (b.in_facts(0).dtype != DataType::kFloat32) return ConvertOtherType(n, b);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const Attrs t = {{"T", TypeAttr(DataType::kFloat32)}};
    const bool no_hi = hi >= std::numeric_limits<float>::max();
    const bool no_lo = lo <= -std::numeric_limits<float>::max();
    ir::Node* y = nullptr;
    if (lo == 0.f && hi == 6.f) {
      y = b.Emit("Relu6", {x}, t, DataType::kFloat32, b.OutName(0));
    } else if (lo == 0.f && no_hi) {
      y = b.Emit("Relu", {x}, t, DataType::kFloat32, b.OutName(0));
    } else if (no_hi && no_lo) {
      y = b.Emit("Identity", {x}, t, DataType::kFloat32, b.OutName(0));
    } else if (no_hi) {
      y = b.Emit("Maximum", {x, b.Const(Tensor::Scalar<float>(lo), n.name() + "/min")}, t,
                 DataType::kFloat32, b.OutName(0));
    } else if (no_lo) {
      y = b.Emit("Minimum", {x, b.Const(Tensor::Scalar<float>(hi), n.name() + "/max")}, t,
                 DataType::kFloat32, b.OutName(0));
    } else {
      y = b.Emit("ClipByValue",
                 {x, b.Const(Tensor::Scalar<float>(lo), n.name() + "/min"),
                  b.Const(Tensor::Scalar<float>(hi), n.name() + "/max")},
                 t, DataType::kFloat32, b.OutName(0));
    }
    b.SetOutput(0, y->output(0));
    return Status::Ok();
  }

 private:
  // Constant bounds on a non-float32 input: Maximum/Minimum with the bound tensors (already
  // of the input's dtype), or Identity when there are none (ONNX's defaults are the type's
  // limits).
  Status ConvertOtherType(const ir::Node& n, TfBuilder& b) const {
    if (since_opset() < 11) return b.Error("only float32 converts to TF before opset 11");
    const DataType t = b.in_facts(0).dtype;
    if (!n.input(1) && !(n.num_inputs() > 2 && n.input(2))) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
      b.SetOutput(0, b.Emit("Identity", {x}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))
                         ->output(0));
      return Status::Ok();
    }
    return ConvertDynamic(n, b);
  }

  // Bounds known only at run time: Minimum(Maximum(x, min), max) on those scalars.
  static Status ConvertDynamic(const ir::Node& n, TfBuilder& b) {
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(0));
    const Attrs attrs = {{"T", TypeAttr(t)}};
    const bool has_max = n.num_inputs() > 2 && n.input(2);
    if (n.input(1)) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * lo, b.Input(1));
      y = b.Emit("Maximum", {y, lo}, attrs, TfDType(t), has_max ? n.name() + "/lower" : b.OutName(0))
              ->output(0);
    }
    if (has_max) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * hi, b.Input(2));
      y = b.Emit("Minimum", {y, hi}, attrs, TfDType(t), b.OutName(0))->output(0);
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }
};

}  // namespace

void RegisterClip(ConverterTable& t) {
  t.Add(std::make_unique<ClipToTf>(6));
  t.Add(std::make_unique<ClipToTf>(11));
}

}  // namespace ferry::convert::onnx_to_tf::ops
