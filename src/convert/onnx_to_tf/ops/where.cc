// ONNX Where (9, 16) -> TF SelectV2 (condition, x, y, all three broadcasting: TF's Select
// does not broadcast). Layout-agnostic.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class WhereToTf final : public OpConverter {
 public:
  WhereToTf() : OpConverter("Where", 9) {}
  Layout layout() const override { return Layout::kAgnostic; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(1).dtype;
    FERRY_ASSIGN_OR_RETURN(auto xy, BroadcastDims(ctx.in(1), ctx.in(2), ctx));
    if (!xy) return Status::Ok();
    ValueFacts tmp;
    tmp.dims = xy;
    FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(ctx.in(0), tmp, ctx));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    FERRY_ASSIGN_OR_RETURN(ir::Value * c, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(1));
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(2));
    const DataType t = b.in_facts(1).dtype;
    b.SetOutput(
        0, b.Emit("SelectV2", {c, x, y}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterWhere(ConverterTable& t) { t.Add(std::make_unique<WhereToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
