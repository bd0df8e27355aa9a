// ONNX ReverseSequence (10) -> TF GatherNd (TF's ReverseSequence is not in TF.js's op list).
// For static T (time) and B (batch) dims, the source time index of (t, b) is
// SelectV2(t < len[b], len[b] - 1 - t, t) over a constant time grid and the run-time
// sequence_lens; GatherNd reads x at (time, batch) or (batch, time) pairs (axes 0 and 1, in
// x's order), copying every element, so the result is exact.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ReverseSequenceToTf final : public OpConverter {
 public:
  ReverseSequenceToTf() : OpConverter("ReverseSequence", 10) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"batch_axis", "time_axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int64_t ba = n.GetInt("batch_axis", 1), ta = n.GetInt("time_axis", 0);
    if (!((ba == 0 && ta == 1) || (ba == 1 && ta == 0)))
      return b.Unsupported("time_axis", "and batch_axis must be 0 and 1");
    const ValueFacts& xf = b.in_facts(0);
    const std::vector<int64_t> d = xf.StaticDims();
    if (d.size() < 2 || d[0] < 0 || d[1] < 0)
      return b.Error("input 0 needs static time and batch dims to convert");
    const int64_t b_len = d[ba];
    const DataType i32 = DataType::kInt32, t = xf.dtype;
    const std::string p = n.name();
    // Grids in x's (axis 0, axis 1) shape: time index and batch index of each pair.
    const std::vector<int64_t> grid_shape = {d[0], d[1]};
    std::vector<int32_t> tg, bg;
    for (int64_t i = 0; i < d[0]; ++i)
      for (int64_t j = 0; j < d[1]; ++j) {
        tg.push_back(static_cast<int32_t>(ta == 0 ? i : j));
        bg.push_back(static_cast<int32_t>(ba == 0 ? i : j));
      }
    ir::Value* time = b.Const(Tensor::FromVector<int32_t>(tg, Shape(grid_shape)), p + "/time");
    ir::Value* batch = b.Const(Tensor::FromVector<int32_t>(bg, Shape(grid_shape)), p + "/batch");
    FERRY_ASSIGN_OR_RETURN(ir::Value * lens, b.Input(1));
    if (lens->dtype() != i32) lens = EmitCast(b, lens, lens->dtype(), i32, p + "/lens_int32");
    // lens [B] -> [1, B] (batch on axis 1) or [B, 1] (batch on axis 0).
    lens = EmitReshape(b, lens, i32, ba == 1 ? std::vector<int64_t>{1, b_len}
                                             : std::vector<int64_t>{b_len, 1},
                       p + "/lens");
    ir::Value* inside = b.Emit("Less", {time, lens}, {{"T", TypeAttr(i32)}}, DataType::kBool)
                            ->output(0);
    ir::Value* reversed = EmitT(
        b, "Sub", {EmitT(b, "Sub", {lens, b.ConstInt32({1}, p + "/one", true)}, i32, ""), time}, i32, "");
    ir::Value* src = EmitT(b, "SelectV2", {inside, reversed, time}, i32, "");
    ir::Value* first = ta == 0 ? src : batch;
    ir::Value* second = ta == 0 ? batch : src;
    auto expand = [&](ir::Value* v) {
      return b.Emit("ExpandDims", {v, b.ConstInt32({-1}, p + "/last", true)},
                    {{"T", TypeAttr(i32)}, {"Tdim", ir::Attribute::Type(i32)}}, i32)
          ->output(0);
    };
    ir::Value* idx = b.Emit("ConcatV2", {expand(first), expand(second),
                                         b.ConstInt32({-1}, p + "/concat_axis", true)},
                            {{"T", TypeAttr(i32)},
                             {"N", ir::Attribute::Int(2)},
                             {"Tidx", ir::Attribute::Type(i32)}},
                            i32)
                         ->output(0);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit("GatherNd", {x, idx},
                          {{"Tparams", TypeAttr(t)}, {"Tindices", TypeAttr(i32)}}, TfDType(t),
                          b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterReverseSequence(ConverterTable& t) {
  t.Add(std::make_unique<ReverseSequenceToTf>());
}

}  // namespace ferry::convert::onnx_to_tf::ops
