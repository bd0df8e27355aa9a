// ONNX MaxUnpool (9, 11) -> TF TensorScatterUpdate of X's values into a zero tensor (Fill) at
// the flat positions I (MaxPool's Indices), then Reshape. The indices are flat positions in the
// default output shape [N, C, (in - 1) * stride - pads + kernel, ...] (static). Duplicate
// indices (overlapping pool windows) carry the same value, so TensorScatterUpdate's choice
// among them does not matter (ScatterNd would add them). An output_shape input (the pool's
// original input shape, possibly larger; a run-time tensor) keeps each value at its
// coordinates: an index is unravelled in the default shape (FloorDiv/FloorMod by constants)
// and ravelled in output_shape (strides computed in the graph). An index outside output_shape,
// which ferry's runtime rejects, is not checked by the TF graph.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class MaxUnpoolToTf final : public OpConverter {
 public:
  explicit MaxUnpoolToTf(int since) : OpConverter("MaxUnpool", since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    return {"kernel_shape", "pads", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    if (n.num_inputs() > 2 && n.input(2)) {
      const ValueFacts& s = ctx.in(2);
      if (s.constant) {
        std::vector<ir::Dim> dims;
        for (int64_t d : s.constant->ToInt64Vector()) dims.push_back(ir::Dim::Known(d));
        ctx.out(0).dims = dims;
      } else {
        ctx.out(0).dims = std::vector<ir::Dim>(x.rank(), ir::Dim::Unknown());
      }
      return Status::Ok();
    }
    auto d = DefaultShape(n, x);
    if (d.ok()) {
      std::vector<ir::Dim> dims;
      for (int64_t v : *d) dims.push_back(ir::Dim::Known(v));
      ctx.out(0).dims = dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> dflt, DefaultShape(n, xf));
    const std::vector<int64_t> xd = xf.StaticDims();
    int64_t count = 1, total = 1;
    for (int64_t v : xd) count *= v;
    for (int64_t v : dflt) total *= v;
    const DataType t = xf.dtype;
    const DataType i32 = DataType::kInt32;
    const std::string p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * idx, b.Input(1));
    if (idx->dtype() != i32) idx = EmitCast(b, idx, idx->dtype(), i32, p + "/index_int32");
    ir::Value* updates = EmitReshape(b, x, t, {count}, p + "/updates");
    idx = EmitReshape(b, idx, i32, {count}, p + "/flat_index");
    ir::Value* shape = nullptr;  // int32 [rank] of the output
    ir::Value* size = nullptr;   // int32 [1]: its element count
    if (n.num_inputs() > 2 && n.input(2)) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * os, b.Input(2));
      shape = os->dtype() == i32 ? os : EmitCast(b, os, os->dtype(), i32, p + "/shape_int32");
      const int r = static_cast<int>(dflt.size());
      auto dim = [&](int d) {
        SliceMasks scalar;
        scalar.shrink_axis = 1;
        return EmitStridedSlice(b, shape, b.ConstInt32({d}, p + "/b"),
                                b.ConstInt32({d + 1}, p + "/e"), b.ConstInt32({1}, p + "/s"), i32,
                                scalar);
      };
      // Unravel in dflt, ravel in shape (innermost dim first).
      ir::Value* rest = idx;
      ir::Value* offset = nullptr;
      ir::Value* stride = nullptr;  // run-time product of the inner output dims
      for (int d = r - 1; d >= 0; --d) {
        ir::Value* k = b.ConstInt32({dflt[d]}, p + "/dim", true);
        ir::Value* c = EmitT(b, "FloorMod", {rest, k}, i32, "");
        if (d > 0) rest = EmitT(b, "FloorDiv", {rest, k}, i32, "");
        ir::Value* term = stride ? EmitT(b, "Mul", {c, stride}, i32, "") : c;
        offset = offset ? EmitT(b, "AddV2", {offset, term}, i32, "") : term;
        if (d > 0) stride = stride ? EmitT(b, "Mul", {stride, dim(d)}, i32, "") : dim(d);
      }
      idx = offset;
      size = b.Emit("Prod", {shape, b.ConstInt32({0}, p + "/axis0")},
                    {{"T", TypeAttr(i32)},
                     {"Tidx", ir::Attribute::Type(i32)},
                     {"keep_dims", ir::Attribute::Bool(true)}},
                    i32)
                 ->output(0);
    } else {
      shape = b.ConstInt32(dflt, p + "/shape");
      size = b.ConstInt32({total}, p + "/size");
    }
    ir::Value* zeros = b.Emit("Fill", {size, b.Const(ScalarOf(t, 0), p + "/zero")},
                              {{"T", TypeAttr(t)}, {"index_type", ir::Attribute::Type(i32)}},
                              TfDType(t))
                           ->output(0);
    ir::Value* where = EmitReshape(b, idx, i32, {count, 1}, p + "/where");
    ir::Value* flat = b.Emit("TensorScatterUpdate", {zeros, where, updates},
                             {{"T", TypeAttr(t)}, {"Tindices", ir::Attribute::Type(i32)}},
                             TfDType(t))
                          ->output(0);
    b.SetOutput(0, b.Emit("Reshape", {flat, shape},
                          {{"T", TypeAttr(t)}, {"Tshape", ir::Attribute::Type(i32)}}, TfDType(t),
                          b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  static StatusOr<std::vector<int64_t>> DefaultShape(const ir::Node& n, const ValueFacts& x) {
    const std::vector<int64_t> k = n.GetInts("kernel_shape");
    const std::vector<int64_t> s = n.GetInts("strides");
    const std::vector<int64_t> pads = n.GetInts("pads");
    const size_t sp = k.size();
    const std::vector<int64_t> xd = x.StaticDims();
    if (sp == 0 || xd.size() != sp + 2)
      return InvalidArgument(n.Describe() + ": input 0 must have rank " +
                             std::to_string(sp + 2) + " (kernel_shape has " +
                             std::to_string(sp) + " entries)");
    for (int64_t v : xd)
      if (v < 0) return InvalidArgument(n.Describe() + ": input 0 needs static dims to convert");
    if ((!s.empty() && s.size() != sp) || (!pads.empty() && pads.size() != 2 * sp))
      return InvalidArgument(n.Describe() + ": strides/pads do not match kernel_shape");
    std::vector<int64_t> out = {xd[0], xd[1]};
    for (size_t d = 0; d < sp; ++d) {
      const int64_t st = s.empty() ? 1 : s[d];
      const int64_t pd = pads.empty() ? 0 : pads[d] + pads[d + sp];
      out.push_back((xd[2 + d] - 1) * st - pd + k[d]);
    }
    return out;
  }
};

}  // namespace

void RegisterMaxUnpool(ConverterTable& t) {
  t.Add(std::make_unique<MaxUnpoolToTf>(9));
  t.Add(std::make_unique<MaxUnpoolToTf>(11));
}

}  // namespace ferry::convert::onnx_to_tf::ops
