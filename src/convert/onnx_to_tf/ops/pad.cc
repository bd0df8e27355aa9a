// ONNX Pad (2: pads/mode/value attributes; 11, 13: pads and constant_value inputs) -> TF Pad
// (zeros), PadV2 (another value) or MirrorPad REFLECT (mode 'reflect'). Pads known only at
// run time become TF's [rank, 2] paddings in the graph (Reshape to [2, rank], Transpose; rows
// gathered into NHWC order when the node runs NHWC); TF's Pad then rejects a negative entry at
// run time where ONNX would crop. A run-time constant_value feeds PadV2 directly.
// mode 'edge' has no TF op (MirrorPad SYMMETRIC repeats the border only for pads <= 1): it
// becomes one GatherV2 per padded axis of static length L with the indices clamp(j - begin,
// 0, L - 1), constant, or for run-time pads Range(-begin, L + end) clamped by Maximum/Minimum
// (a gather copies values, so it is exact; a negative run-time entry crops as ONNX does).
// Negative constant pads (crops) are errors. In NHWC the pads are remapped.
#include <algorithm>

#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class PadToTf final : public OpConverter {
 public:
  explicit PadToTf(int since) : OpConverter("Pad", since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 11) return {"pads", "mode", "value"};
    return {"mode"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    auto pads = Pads(n, [&](int i) { return &ctx.in(i); });
    if (!pads.ok()) {  // run-time pads (or an error Convert reports)
      ctx.out(0).dims = std::vector<ir::Dim>(x.rank(), ir::Dim::Unknown());
      return Status::Ok();
    }
    if (static_cast<int>(pads->size()) != 2 * x.rank()) return Status::Ok();
    std::vector<ir::Dim> dims = *x.dims;
    const int r = x.rank();
    for (int i = 0; i < r; ++i)
      if (dims[i].known()) dims[i] = ir::Dim::Known(dims[i].value + (*pads)[i] + (*pads)[r + i]);
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    auto pads_or = Pads(n, [&](int i) { return &b.in_facts(i); });
    ir::Value* paddings = nullptr;
    int64_t most = 0;
    if (pads_or.ok()) {
      const std::vector<int64_t>& pads = *pads_or;
      if (static_cast<int>(pads.size()) != 2 * r)
        return b.Error("pads has " + std::to_string(pads.size()) + " entries for rank " +
                       std::to_string(r));
      for (int64_t p : pads) {
        if (p < 0) return b.Unsupported("pads", "has a negative (cropping) entry, not converted");
        most = std::max(most, p);
      }
      // TF paddings [rank, 2] in the node's layout.
      std::vector<int64_t> tf(2 * r);
      for (int i = 0; i < r; ++i) {
        const int64_t a = b.Axis(i, r);
        tf[2 * a] = pads[i];
        tf[2 * a + 1] = pads[r + i];
      }
      Tensor pt = Tensor::FromVector<int32_t>(std::vector<int32_t>(tf.begin(), tf.end()),
                                              Shape({r, 2}));
      paddings = b.Const(pt, n.name() + "/paddings");
    } else {
      if (since_opset() < 11 || (n.num_inputs() > 3 && n.input(3))) return pads_or.status();
      FERRY_ASSIGN_OR_RETURN(paddings, DynamicPaddings(n, b, r));
      most = -1;  // unknown
    }
    const DataType t = b.in_facts(0).dtype;
    const std::string mode = n.attr("mode") ? n.attr("mode")->s() : "constant";
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const Attrs attrs = {{"T", TypeAttr(t)}, {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}};
    ir::Node* y = nullptr;
    if (mode == "constant") {
      double value = n.GetFloat("value", 0.f);
      if (since_opset() >= 11 && n.num_inputs() > 2 && n.input(2)) {
        const Tensor* c = b.ConstInput(2);
        if (!c) {
          FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(2));
          y = b.Emit("PadV2", {x, paddings, v}, attrs, TfDType(t), b.OutName(0));
          b.SetOutput(0, y->output(0));
          return Status::Ok();
        }
        value = c->GetAsDouble(0);
      }
      if (value == 0) {
        y = b.Emit("Pad", {x, paddings}, attrs, TfDType(t), b.OutName(0));
      } else {
        if (t != DataType::kFloat32) return b.Error("a non-zero pad value converts for float32 only");
        y = b.Emit("PadV2",
                   {x, paddings, b.Const(Tensor::Scalar<float>(static_cast<float>(value)),
                                         n.name() + "/value")},
                   attrs, t, b.OutName(0));
      }
    } else if (mode == "edge" && (most < 0 || most > 1)) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * e, EdgePad(n, b, x, pads_or.ok() ? &*pads_or : nullptr));
      b.SetOutput(0, e);
      return Status::Ok();
    } else if (mode == "reflect" || (mode == "edge" && most >= 0 && most <= 1)) {
      Attrs m = attrs;
      m.push_back({"mode", ir::Attribute::String(mode == "reflect" ? "REFLECT" : "SYMMETRIC")});
      y = b.Emit("MirrorPad", {x, paddings}, m, TfDType(t), b.OutName(0));
    } else {
      return b.Unsupported("mode", "'" + mode + "' has no TF op (TF's MirrorPad reflects)");
    }
    b.SetOutput(0, y->output(0));
    return Status::Ok();
  }

 private:
  // Edge padding as clamped gathers along each padded axis (see the file comment); pads null:
  // run-time pads (input 1).
  StatusOr<ir::Value*> EdgePad(const ir::Node& n, TfBuilder& b, ir::Value* x,
                               const std::vector<int64_t>* pads) const {
    const ValueFacts& f = b.in_facts(0);
    const int r = f.rank();
    const DataType t = TfDType(f.dtype);
    const std::string p = n.name();
    ir::Value* run_pads = nullptr;
    if (!pads) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * in, b.Input(1));
      run_pads = CastTo(b, in, DataType::kInt32);
    }
    auto gather = [&](ir::Value* v, ir::Value* idx, int64_t axis, const std::string& name) {
      return b.Emit("GatherV2", {v, idx, b.ConstInt32({axis}, p + "/axis", true)},
                    {{"Tparams", ir::Attribute::Type(t)},
                     {"Tindices", ir::Attribute::Type(DataType::kInt32)},
                     {"Taxis", ir::Attribute::Type(DataType::kInt32)},
                     {"batch_dims", ir::Attribute::Int(0)}},
                    t, name)
          ->output(0);
    };
    auto scalar_at = [&](int64_t i) {
      SliceMasks scalar;
      scalar.shrink_axis = 1;
      return EmitStridedSlice(b, run_pads, b.ConstInt32({i}, p + "/b"),
                              b.ConstInt32({i + 1}, p + "/e"), b.ConstInt32({1}, p + "/s"),
                              DataType::kInt32, scalar);
    };
    // The last gather carries the output name.
    int last = -1;
    for (int i = 0; i < r; ++i)
      if (!pads || (*pads)[i] != 0 || (*pads)[r + i] != 0) last = i;
    if (last < 0) return x;  // all-zero pads take the MirrorPad branch
    for (int i = 0; i <= last; ++i) {
      if (pads && (*pads)[i] == 0 && (*pads)[r + i] == 0) continue;
      const ir::Dim& d = (*f.dims)[i];
      if (!d.known() || d.value == 0)
        return b.Unsupported("mode", "'edge' needs a static, non-empty length of axis " +
                                         std::to_string(i) + " to convert");
      const int64_t len = d.value;
      const std::string name = i == last ? b.OutName(0) : "";
      ir::Value* idx = nullptr;
      if (pads) {
        std::vector<int64_t> v;
        for (int64_t j = 0; j < len + (*pads)[i] + (*pads)[r + i]; ++j)
          v.push_back(std::min(std::max<int64_t>(j - (*pads)[i], 0), len - 1));
        idx = b.ConstInt32(v, p + "/edge_index");
      } else {
        ir::Value* start = EmitT(b, "Neg", {scalar_at(i)}, DataType::kInt32);
        ir::Value* limit = EmitT(b, "AddV2", {scalar_at(r + i), b.ConstInt32({len}, p + "/len", true)},
                                 DataType::kInt32);
        idx = b.Emit("Range", {start, limit, b.ConstInt32({1}, p + "/one", true)},
                     {{"Tidx", ir::Attribute::Type(DataType::kInt32)}}, DataType::kInt32)
                  ->output(0);
        idx = EmitT(b, "Maximum", {idx, b.ConstInt32({0}, p + "/zero", true)}, DataType::kInt32);
        idx = EmitT(b, "Minimum", {idx, b.ConstInt32({len - 1}, p + "/max", true)},
                    DataType::kInt32);
      }
      x = gather(x, idx, b.Axis(i, r), name);
    }
    return x;
  }

  // [rank, 2] int32 paddings from run-time ONNX pads [b1.., e1..].
  StatusOr<ir::Value*> DynamicPaddings(const ir::Node& n, TfBuilder& b, int r) const {
    FERRY_ASSIGN_OR_RETURN(ir::Value * pads, b.Input(1));
    pads = ReshapeTo(b, CastTo(b, pads, DataType::kInt32), {2, r});
    ir::Value* rows = b.Emit("Transpose", {pads, b.ConstInt32({1, 0}, n.name() + "/perm")},
                             {{"T", ir::Attribute::Type(DataType::kInt32)},
                              {"Tperm", ir::Attribute::Type(DataType::kInt32)}},
                             DataType::kInt32)
                          ->output(0);
    if (!b.channels_last(r)) return rows;
    // Row a of NHWC (NDHWC) paddings is ONNX axis ToNhwcPerm(r)[a].
    return b
        .Emit("GatherV2",
              {rows, b.ConstInt32(ToNhwcPerm(r), n.name() + "/rows"),
               b.ConstInt32({0}, n.name() + "/row_axis", true)},
              {{"Tparams", ir::Attribute::Type(DataType::kInt32)},
               {"Tindices", ir::Attribute::Type(DataType::kInt32)},
               {"Taxis", ir::Attribute::Type(DataType::kInt32)},
               {"batch_dims", ir::Attribute::Int(0)}},
              DataType::kInt32)
        ->output(0);
  }

  template <typename FactsOf>
  StatusOr<std::vector<int64_t>> Pads(const ir::Node& n, FactsOf facts_of) const {
    if (since_opset() < 11) return n.GetInts("pads");
    const ValueFacts* f = facts_of(1);
    if (!f || !f->constant)
      return InvalidArgument(n.Describe() + ": pads (input 1) must be known at convert time");
    if (n.num_inputs() > 3 && n.input(3))
      return Unimplemented(n.Describe() + ": input 3 (axes, Pad-18) is not converted");
    return f->constant->ToInt64Vector();
  }
};

}  // namespace

void RegisterPad(ConverterTable& t) {
  t.Add(std::make_unique<PadToTf>(2));
  t.Add(std::make_unique<PadToTf>(11));
}

}  // namespace ferry::convert::onnx_to_tf::ops
