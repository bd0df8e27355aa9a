// ONNX Expand (8, 13: bidirectional broadcast of x with `shape`) -> TF BroadcastTo to the
// broadcast result, which must be static at convert time (TF's BroadcastTo target is the
// output shape, not one side of a broadcast).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ExpandToTf final : public OpConverter {
 public:
  ExpandToTf() : OpConverter("Expand", 8) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    const ValueFacts& s = ctx.in(1);
    if (!s.elements || x.rank() < 0) return Status::Ok();
    ValueFacts target;
    std::vector<ir::Dim> dims;
    for (const Elem& e : *s.elements)
      dims.push_back(e.known() ? ir::Dim::Known(e.value) : ir::Dim::Named(e.sym));
    target.dims = dims;
    FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(x, target, ctx));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& out = b.out_facts(0);
    if (!out.IsStatic()) return b.Error("the expanded shape is unknown at convert time");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, b.Emit("BroadcastTo", {x, b.ConstInt32(out.StaticDims(), n.name() + "/shape")},
                          {{"T", TypeAttr(t)}, {"Tidx", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterExpand(ConverterTable& t) { t.Add(std::make_unique<ExpandToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
