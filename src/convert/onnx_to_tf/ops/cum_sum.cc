// ONNX CumSum (11, 14)(x, axis) with exclusive, reverse -> TF Cumsum(x, axis) with the same
// two attributes (math_ops.cc); the axis stays a run-time tensor, as in both ops, made
// non-negative by FloorMod(axis, rank) (TF.js's Cumsum mishandles a negative axis).
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class CumSumToTf final : public OpConverter {
 public:
  CumSumToTf() : OpConverter("CumSum", 11) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"exclusive", "reverse"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * axis, b.Input(1));
    const int r = b.in_facts(0).rank();
    if (r > 0) {
      const DataType at = TfDType(b.in_facts(1).dtype);
      axis = EmitT(b, "FloorMod", {axis, b.Const(ScalarOf(at, r), n.name() + "/rank")}, at,
                   n.name() + "/axis");
    }
    b.SetOutput(0, b.Emit("Cumsum", {x, axis},
                          {{"T", TypeAttr(t)},
                           {"Tidx", TypeAttr(b.in_facts(1).dtype)},
                           {"exclusive", ir::Attribute::Bool(n.GetInt("exclusive", 0) != 0)},
                           {"reverse", ir::Attribute::Bool(n.GetInt("reverse", 0) != 0)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterCumSum(ConverterTable& t) { t.Add(std::make_unique<CumSumToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
