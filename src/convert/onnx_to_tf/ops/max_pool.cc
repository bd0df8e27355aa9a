// ONNX MaxPool (1, 8, 10, 11, 12) on 1-D, 2-D and 3-D inputs -> TF MaxPool / MaxPool3D,
// channels-last (spatial.h). Pads TF's SAME/VALID cannot express, and ceil_mode's extra end
// windows, become a PadV2 with -inf (the value that never wins a max, as ONNX's implicit
// padding) before a VALID pool. Dilations (2-D, or 1-D as 2-D) run as TF's Dilation2D with a
// zero filter (a max over the dilated window; in TF.js's op list). 8- and 16-bit integer and
// float16 inputs pool in float32 between two Casts (every such value is exact in float32, and a
// max only selects). The Indices output (2-D, undilated) comes from TF's MaxPoolWithArgmax
// (include_batch_in_index): its NHWC flat index ((b * Hp + y) * Wp + x) * C + c over the
// (padded) TF input is taken apart with FloorDiv/FloorMod and recombined as ONNX's NCHW one,
// ((b * C + c) * H + y - pad_top) * W + x - pad_left (storage_order 1: W and H swapped).
#include <algorithm>
#include <limits>

#include "convert/onnx_to_tf/ops/emit.h"
#include "convert/onnx_to_tf/ops/pool_common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class MaxPoolToTf final : public OpConverter {
 public:
  MaxPoolToTf() : OpConverter("MaxPool", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad", "ceil_mode",     "dilations", "kernel_shape",
            "pads",     "storage_order", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    InferPool(n, ctx);
    if (n.num_outputs() > 1 && n.output(1)) {
      ctx.out(1).dtype = DataType::kInt64;
      ctx.out(1).dims = ctx.out(0).dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const bool has_indices = n.num_outputs() > 1 && n.output(1);
    const DataType dt = b.in_facts(0).dtype;
    const bool cast = dt == DataType::kUInt8 || dt == DataType::kInt8 || dt == DataType::kUInt16 ||
                      dt == DataType::kInt16 || dt == DataType::kFloat16;
    if (dt != DataType::kFloat32 && !cast)
      return b.Error("dtype " + std::string(DataTypeName(dt)) +
                     " does not convert (float32, float16 and 8/16-bit integers do)");
    FERRY_ASSIGN_OR_RETURN(PoolParams p, ReadPoolParams(n, b.in_facts(0), true));
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, ChannelsLastInput(b, 0));
    if (cast) x = EmitCast(b, x, dt, DataType::kFloat32, n.name() + "/to_float");
    const bool dilated = std::any_of(p.w.d.begin(), p.w.d.end(), [](int64_t d) { return d != 1; });
    // Indices are computed when they can be; an Indices output that cannot is an error when a
    // node reads it (a graph output left without a value is reported by the driver).
    const bool indices_possible = !dilated && p.rank == 4 && !cast;
    if (has_indices && !n.output(1)->users().empty() && !indices_possible)
      return b.Error(cast ? "output 1 (Indices) converts for float32 input only"
                          : "output 1 (Indices) converts for undilated 2-D MaxPool only");
    const bool indices = has_indices && indices_possible;
    std::string padding = p.padding;
    if (padding == "EXPLICIT" || (dilated && padding != "VALID")) {
      ir::Value* fill = b.Const(Tensor::Scalar<float>(-std::numeric_limits<float>::infinity()),
                                n.name() + "/-inf");
      x = b.Emit("PadV2", {x, ChannelsLastPaddings(b, p.w), fill},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}},
                 DataType::kFloat32)
              ->output(0);
      padding = "VALID";
    }
    ir::Value* y = nullptr;
    if (indices) {
      const std::string pad = p.padding;
      return WithIndices(n, b, p, x, padding, padding != pad);
    }
    if (dilated) {
      // A zero filter makes TF's Dilation2D a dilated max pool (positions outside the input
      // are skipped, and the -inf padding above never wins).
      const ir::Dim& c = (*b.in_facts(0).dims)[1];
      if (!c.known()) return b.Error("dilated MaxPool needs a static channel dim");
      Tensor zeros(DataType::kFloat32, Shape{p.w.k[0], p.w.k[1], c.value});
      std::fill(zeros.data<float>(), zeros.data<float>() + zeros.NumElements(), 0.0f);
      y = b.Emit("Dilation2D", {x, b.Const(zeros, n.name() + "/zero_filter")},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"strides", ir::Attribute::Ints({1, p.w.s[0], p.w.s[1], 1})},
                  {"rates", ir::Attribute::Ints({1, p.w.d[0], p.w.d[1], 1})},
                  {"padding", ir::Attribute::String("VALID")}},
                 DataType::kFloat32, ChannelsLastOutName(b, p.rank))
              ->output(0);
    } else {
      y = EmitPool(b, true, p, x, padding, cast ? "" : ChannelsLastOutName(b, p.rank));
    }
    if (cast) {
      const bool last = b.channels_last(p.rank);
      y = EmitCast(b, y, DataType::kFloat32, dt, last ? b.OutName(0) : "");
    }
    b.SetOutput(0, FinishChannelsLast(b, y, p.rank));
    return Status::Ok();
  }

 private:
  // MaxPoolWithArgmax over NHWC x (already -inf padded when `padded`), Y and ONNX's Indices.
  static Status WithIndices(const ir::Node& n, TfBuilder& b, const PoolParams& p, ir::Value* x,
                            const std::string& padding, bool padded) {
    const std::vector<int64_t> d = b.in_facts(0).StaticDims();
    if (d.size() != 4 || d[1] < 0 || d[2] < 0 || d[3] < 0)
      return b.Error("output 1 (Indices) needs static C, H and W");
    const int64_t c = d[1], h = d[2], w = d[3];
    const int64_t pt = padded ? p.w.begin(0) : 0, pl = padded ? p.w.begin(1) : 0;
    const int64_t hp = padded ? h + p.w.begin(0) + p.w.end(0) : h;
    const int64_t wp = padded ? w + p.w.begin(1) + p.w.end(1) : w;
    ir::Node* pool = EmitMulti(
        b, "MaxPoolWithArgmax", {x},
        {{"T", TypeAttr(DataType::kFloat32)},
         {"Targmax", ir::Attribute::Type(DataType::kInt64)},
         {"ksize", ir::Attribute::Ints({1, p.w.k[0], p.w.k[1], 1})},
         {"strides", ir::Attribute::Ints({1, p.w.s[0], p.w.s[1], 1})},
         {"padding", ir::Attribute::String(padding)},
         {"include_batch_in_index", ir::Attribute::Bool(true)}},
        {DataType::kFloat32, DataType::kInt64},
        b.nhwc() ? b.OutName(0) : n.name() + "/argmax");
    b.SetOutput(0, FinishChannelsLast(b, pool->output(0), 4));
    const std::string q = n.name() + "/index";
    const DataType i32 = DataType::kInt32;
    ir::Value* t = EmitCast(b, pool->output(1), DataType::kInt64, i32, q + "/int32");
    auto k = [&](int64_t v) { return b.ConstInt32({v}, q + "/k", true); };
    auto op = [&](const char* o, ir::Value* a, ir::Value* bb) { return EmitT(b, o, {a, bb}, i32, ""); };
    ir::Value* ch = op("FloorMod", t, k(c));
    t = op("FloorDiv", t, k(c));
    ir::Value* xx = op("FloorMod", t, k(wp));
    t = op("FloorDiv", t, k(wp));
    ir::Value* yy = op("FloorMod", t, k(hp));
    ir::Value* batch = op("FloorDiv", t, k(hp));
    if (pt) yy = op("Sub", yy, k(pt));
    if (pl) xx = op("Sub", xx, k(pl));
    const bool column_major = n.GetInt("storage_order", 0) != 0;
    ir::Value* inner = column_major ? op("AddV2", op("Mul", xx, k(h)), yy)
                                    : op("AddV2", op("Mul", yy, k(w)), xx);
    ir::Value* index =
        op("AddV2", op("AddV2", op("Mul", batch, k(c * h * w)), op("Mul", ch, k(h * w))), inner);
    // index is NHWC [N, oh, ow, C]; ONNX's Indices is NCHW unless the plan keeps it NHWC.
    if (b.nhwc() && b.OutputLayout(1) == ValueLayout::kNhwc) {
      b.SetOutput(1, EmitT(b, "Identity", {index}, i32, b.OutName(1)));
    } else {
      b.SetOutput(1, EmitTranspose(b, index, i32, kToNchw, b.OutName(1)));
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterMaxPool(ConverterTable& t) { t.Add(std::make_unique<MaxPoolToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
