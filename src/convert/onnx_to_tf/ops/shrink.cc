// ONNX Shrink (9) with lambd, bias -> SelectV2(x < -lambd, x + bias, SelectV2(x > lambd,
// x - bias, 0)): the two shrunk tails, zero in between. Layout-agnostic.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ShrinkToTf final : public OpConverter {
 public:
  ShrinkToTf() : OpConverter("Shrink", 9) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override { return {"lambd", "bias"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    if (t == DataType::kBool || t == DataType::kString || t == DataType::kFloat16 ||
        t == DataType::kBFloat16)
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert to TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const std::string& p = n.name();
    const double lambd = n.GetFloat("lambd", 0.5f), bias = n.GetFloat("bias", 0.f);
    const DataType tt = TfDType(t);
    ir::Value* below = EmitT(b, "Less", {x, b.Const(ScalarOf(t, -lambd), p + "/neg_lambd")}, tt,
                             p + "/below", DataType::kBool);
    ir::Value* above = EmitT(b, "Greater", {x, b.Const(ScalarOf(t, lambd), p + "/lambd")}, tt,
                             p + "/above", DataType::kBool);
    ir::Value* bias_c = b.Const(ScalarOf(t, bias), p + "/bias");
    ir::Value* up = EmitT(b, "AddV2", {x, bias_c}, tt, p + "/plus_bias");
    ir::Value* down = EmitT(b, "Sub", {x, bias_c}, tt, p + "/minus_bias");
    ir::Value* inner = EmitT(b, "SelectV2", {above, down, b.Const(ScalarOf(t, 0), p + "/zero")},
                             tt, p + "/upper");
    b.SetOutput(0, EmitT(b, "SelectV2", {below, up, inner}, tt, b.OutName(0)));
    return Status::Ok();
  }
};

}  // namespace

void RegisterShrink(ConverterTable& t) { t.Add(std::make_unique<ShrinkToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
