// ONNX IsInf (10) with detect_negative / detect_positive -> TF IsInf, narrowed by
// LogicalAnd with Less(x, 0) / Greater(x, 0) when one sign is not wanted; ONNX IsNaN (9, 13)
// -> TF IsNan. Layout-agnostic.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class IsInfToTf final : public OpConverter {
 public:
  IsInfToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override {
    if (op_type() == "IsInf") return {"detect_negative", "detect_positive"};
    return {};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = DataType::kBool;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    if (t != DataType::kFloat32 && t != DataType::kFloat64)
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert to TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const std::string& p = n.name();
    if (op_type() == "IsNaN") {
      b.SetOutput(0, EmitT(b, "IsNan", {x}, t, b.OutName(0), DataType::kBool));
      return Status::Ok();
    }
    const bool neg = n.GetInt("detect_negative", 1) != 0;
    const bool pos = n.GetInt("detect_positive", 1) != 0;
    if (neg && pos) {
      b.SetOutput(0, EmitT(b, "IsInf", {x}, t, b.OutName(0), DataType::kBool));
      return Status::Ok();
    }
    ir::Value* inf = EmitT(b, "IsInf", {x}, t, p + "/is_inf", DataType::kBool);
    ir::Value* zero = b.Const(ScalarOf(t, 0), p + "/zero");
    // Neither sign wanted: Greater and Less of the same value are never both true.
    ir::Value* sign = pos ? EmitT(b, "Greater", {x, zero}, t, p + "/sign", DataType::kBool)
                          : EmitT(b, "Less", {x, zero}, t, p + "/sign", DataType::kBool);
    if (!neg && !pos)
      sign = b.Emit("LogicalAnd",
                    {sign, EmitT(b, "Greater", {x, zero}, t, p + "/positive", DataType::kBool)},
                    {}, DataType::kBool, p + "/never")
                 ->output(0);
    b.SetOutput(0, b.Emit("LogicalAnd", {inf, sign}, {}, DataType::kBool, b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterIsInf(ConverterTable& t) {
  t.Add(std::make_unique<IsInfToTf>("IsInf", 10));
  t.Add(std::make_unique<IsInfToTf>("IsNaN", 9));
}

}  // namespace ferry::convert::onnx_to_tf::ops
