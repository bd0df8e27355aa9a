// ONNX Mod (10, 13) with fmod = 0 (the remainder has the divisor's sign) -> TF FloorMod.
// fmod = 1 (C's fmod, the dividend's sign) would be TF's TruncateMod, which TF.js lacks (its
// Mod is a floor mod), so it is an error rather than a model that differs between runtimes.
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
    if (n.GetInt("fmod", 0) != 0)
      return b.Unsupported("fmod", "= 1 (truncated remainder) has no TF.js op (TruncateMod)");
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(1));
    b.SetOutput(
        0, b.Emit("FloorMod", {x, y}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMod(ConverterTable& t) { t.Add(std::make_unique<ModToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
