// ONNX Mod (10, 13) with fmod = 0 (the remainder has the divisor's sign) -> TF FloorMod.
// fmod = 1 (C's fmod, the dividend's sign) would be TF's TruncateMod, which TF.js lacks (its
// Mod is a floor mod); it lowers as Sign(x) * FloorMod(|x|, |y|), equal to the truncated
// remainder for every sign combination.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ModToTf final : public OpConverter {
 public:
  ModToTf() : OpConverter("Mod", 10) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override { return {"fmod"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(ctx.in(0), ctx.in(1), ctx));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(1));
    if (n.GetInt("fmod", 0) != 0) {
      const Attrs ta = {{"T", TypeAttr(t)}};
      const DataType tt = TfDType(t);
      const std::string& p = n.name();
      ir::Value* ax = b.Emit("Abs", {x}, ta, tt, p + "/abs_x")->output(0);
      ir::Value* ay = b.Emit("Abs", {y}, ta, tt, p + "/abs_y")->output(0);
      ir::Value* m = b.Emit("FloorMod", {ax, ay}, ta, tt, p + "/abs_mod")->output(0);
      ir::Value* sx = b.Emit("Sign", {x}, ta, tt, p + "/sign_x")->output(0);
      b.SetOutput(0, b.Emit("Mul", {sx, m}, ta, tt, b.OutName(0))->output(0));
      return Status::Ok();
    }
    b.SetOutput(
        0, b.Emit("FloorMod", {x, y}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMod(ConverterTable& t) { t.Add(std::make_unique<ModToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
