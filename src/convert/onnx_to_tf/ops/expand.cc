// ONNX Expand (8, 13: bidirectional broadcast of x with `shape`) -> TF BroadcastTo to the
// broadcast result (TF's BroadcastTo target is the output shape, not one side of a
// broadcast): a constant when static at convert time, else computed in the graph from
// Shape(x) and the run-time `shape` (Maximum/Minimum/Mul on int32, all in TF.js).
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"
#include "convert/onnx_to_tf/ops/dynamic.h"

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
    if (x.rank() < 0) return Status::Ok();
    if (!s.elements) {
      // Only the target's length is known: the rank is, and every dim of x that is not 1
      // (the target's dim there must be 1 or equal to it).
      if (s.rank() != 1 || !(*s.dims)[0].known()) return Status::Ok();
      const int r = std::max<int>(x.rank(), static_cast<int>((*s.dims)[0].value));
      const auto& recorded = n.output(0)->info().shape;
      if (recorded && static_cast<int>(recorded->size()) == r) {
        ctx.out(0).dims = *recorded;
        return Status::Ok();
      }
      std::vector<ir::Dim> dims(r, ir::Dim::Unknown());
      for (int i = 0; i < x.rank(); ++i) {
        const ir::Dim& d = (*x.dims)[i];
        if (d.known() && d.value != 1) dims[r - x.rank() + i] = d;
      }
      ctx.out(0).dims = dims;
      return Status::Ok();
    }
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
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const DataType t = b.in_facts(0).dtype;
    ir::Value* target = nullptr;
    if (out.IsStatic()) {
      target = b.ConstInt32(out.StaticDims(), n.name() + "/shape");
    } else {
      FERRY_ASSIGN_OR_RETURN(target, RunTimeTarget(n, b));
    }
    b.SetOutput(0, b.Emit("BroadcastTo", {x, target},
                          {{"T", TypeAttr(t)}, {"Tidx", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  // The broadcast of Shape(x) and `shape` computed in the graph (torch's x.expand(batch,
  // -1, -1) exports a shape built from Shape(input)): both padded with leading 1s to the
  // output rank, then per dim max(a, b) * min(a, b, 1) - max for the pairs Expand accepts
  // (equal, or one side 1), and 0 when a side is 0.
  static StatusOr<ir::Value*> RunTimeTarget(const ir::Node& n, TfBuilder& b) {
    const ValueFacts& xf = b.in_facts(0);
    const ValueFacts& sf = b.in_facts(1);
    if (xf.rank() < 0 || sf.rank() != 1 || !(*sf.dims)[0].known())
      return b.Error("the expanded shape is unknown at convert time and input 0's rank or "
                     "input 1's length is unknown");
    const int xr = xf.rank();
    const int sr = static_cast<int>((*sf.dims)[0].value);
    const int r = std::max(xr, sr);
    const std::string p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * s, b.Input(1));
    s = CastTo(b, s, DataType::kInt32);
    auto pad = [&](ir::Value* v, int len, const std::string& what) -> ir::Value* {
      if (len == r) return v;
      return ConcatVectors(
          b, {b.ConstInt32(std::vector<int64_t>(r - len, 1), p + "/" + what + "_ones"), v});
    };
    ir::Value* xs = pad(ShapeOf(b, x, xf.dtype), xr, "x");
    s = pad(s, sr, "s");
    ir::Value* hi = EmitT(b, "Maximum", {xs, s}, DataType::kInt32);
    ir::Value* lo = EmitT(b, "Minimum", {xs, s}, DataType::kInt32);
    ir::Value* nonzero =
        EmitT(b, "Minimum", {lo, b.ConstInt32({1}, p + "/one", true)}, DataType::kInt32);
    return EmitT(b, "Mul", {hi, nonzero}, DataType::kInt32);
  }
};

}  // namespace

void RegisterExpand(ConverterTable& t) { t.Add(std::make_unique<ExpandToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
