// ONNX ConvTranspose (1, 11) on 1-D and 2-D inputs -> TF Conv2DBackpropInput, channels-last
// (spatial.h; 1-D runs as 2-D with a unit H dim).
//   - Conv2DBackpropInput(input_sizes, filter, out_backprop) is the gradient of Conv2D with
//     respect to its input (nn_ops.cc): with padding VALID and input_sizes = the full
//     transposed-conv size stride * (in - 1) + output_padding + dilated kernel, it scatters
//     every input element exactly as ONNX does; ONNX's pads (or those output_shape / auto_pad
//     imply, as the ConvTranspose-11 spec derives them) then crop that full result with a
//     StridedSlice. output_padding (or an output_shape past the full size) must stay below
//     the stride (VALID's size check).
//   - Filter: ONNX [C, M / group, k...] is TF's [k..., M / group, C], permuted at convert time
//     or by a Transpose for run-time weights. Dilations are folded into the kernel (TF.js's
//     conv2dTranspose has no dilations; TF's CPU kernel rejects them too): at convert time for
//     a constant, by Reshape/Pad/StridedSlice zeros between the taps for run-time weights.
//   - group > 1: a StridedSlice per group on the channel axis, one op each, and a ConcatV2.
//   - 3-D has no TF.js op (tfjs-converter lacks Conv3DBackpropInputV2): an error.
#include <algorithm>

#include "convert/onnx_to_tf/ops/emit.h"
#include "convert/onnx_to_tf/ops/spatial.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

struct TransposeWindow {
  std::vector<int64_t> k, s, d, full, pb, out;  // per spatial dim; k is the dilated kernel
};

class ConvTransposeToTf final : public OpConverter {
 public:
  ConvTransposeToTf() : OpConverter("ConvTranspose", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad",       "dilations",    "group", "kernel_shape",
            "output_padding", "output_shape", "pads",  "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts& out = ctx.out(0);
    out.dtype = ctx.in(0).dtype;
    const ValueFacts& x = ctx.in(0);
    const ValueFacts& w = ctx.in(1);
    if (x.rank() < 3 || w.rank() != x.rank() || !(*w.dims)[1].known()) return Status::Ok();
    auto tw = Window(n, x, w);
    if (!tw.ok()) return Status::Ok();
    std::vector<ir::Dim> dims = {(*x.dims)[0],
                                 ir::Dim::Known((*w.dims)[1].value * n.GetInt("group", 1))};
    for (int64_t o : tw->out) dims.push_back(ir::Dim::Known(o));
    out.dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    const int r = x.rank();
    if (r == 5)
      return b.Error("input 0 has rank 5: 3-D ConvTranspose has no TF.js op "
                     "(Conv3DBackpropInputV2 is missing from tfjs-converter)");
    if (r != 3 && r != 4)
      return b.Error("input 0 has rank " + std::to_string(r) +
                     ": only 1-D and 2-D ConvTranspose convert to TF");
    if (x.dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    const Tensor* wc = b.ConstInput(1);
    const ValueFacts& wf = b.in_facts(1);
    if (wf.rank() != r || (wc && wc->dtype() != DataType::kFloat32) || !(*wf.dims)[0].known() ||
        !(*wf.dims)[1].known())
      return b.Error("input 1 (weights) must be a float32 tensor of rank " + std::to_string(r) +
                     " with known channel dims to convert to TF");
    FERRY_ASSIGN_OR_RETURN(TransposeWindow tw, Window(n, x, wf));
    const int64_t group = n.GetInt("group", 1);
    const int64_t cin = (*wf.dims)[0].value, mg = (*wf.dims)[1].value;
    if (group < 1 || cin % group != 0)
      return b.Unsupported("group", "= " + std::to_string(group) + " does not divide the " +
                                        std::to_string(cin) + " input channels");
    for (size_t i = 0; i < tw.s.size(); ++i) {
      // input_sizes: the full size, or more when output_shape asks for rows past it (they get
      // no contribution, as in ONNX). VALID requires floor((size - k) / s) + 1 == in.
      tw.full[i] = std::max(tw.full[i], tw.pb[i] + tw.out[i]);
      const int64_t in = (*x.dims)[2 + i].value;
      if ((tw.full[i] - tw.k[i]) / tw.s[i] + 1 != in)
        return b.Unsupported(n.has_attr("output_shape") ? "output_shape" : "output_padding",
                             "reaches a stride past the full transposed convolution, which TF's "
                             "Conv2DBackpropInput cannot size");
    }
    // Dilations folded into the kernel; 1-D as 2-D.
    std::vector<int64_t> d = n.GetInts("dilations", std::vector<int64_t>(r - 2, 1));
    const bool dilated = std::any_of(d.begin(), d.end(), [](int64_t v) { return v != 1; });
    // A run-time filter: plain [C, M, k...] -> (1-D: unit H) -> [kh, kw, M, C].
    ir::Value* wrun = nullptr;
    if (!wc) {
      FERRY_ASSIGN_OR_RETURN(wrun, b.ValueIn(n.input(1), ValueLayout::kPlain));
      if (r == 3)
        wrun = b.Emit("ExpandDims", {wrun, b.ConstInt32({2}, n.name() + "/w_axis", true)},
                      {{"T", TypeAttr(DataType::kFloat32)},
                       {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
                      DataType::kFloat32)
                   ->output(0);
      wrun = EmitTranspose(b, wrun, {2, 3, 1, 0});
      if (dilated) {
        // Zeros between the taps at run time, as DilateKernel does for a constant.
        const std::vector<int64_t> kd = r == 3
                                            ? std::vector<int64_t>{1, (*wf.dims)[2].value}
                                            : std::vector<int64_t>{(*wf.dims)[2].value,
                                                                   (*wf.dims)[3].value};
        const std::vector<int64_t> dd = r == 3 ? std::vector<int64_t>{1, d[0]} : d;
        wrun = DilateRunTimeFilter(b, wrun, kd, dd, mg, cin);
      }
    }
    Tensor w = wc ? DilateKernel(*wc, d) : Tensor();
    std::vector<int64_t> full = tw.full, pb = tw.pb, out = tw.out, s = tw.s;
    if (r == 3) {
      if (wc) {
        FERRY_ASSIGN_OR_RETURN(w, w.Reshaped(Shape{cin, mg, 1, w.dim(2)}));
      }
      full.insert(full.begin(), 1);
      pb.insert(pb.begin(), 0);
      out.insert(out.begin(), 1);
      s.insert(s.begin(), 1);
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * in, ChannelsLastInput(b, 0));
    ir::Value* batch = nullptr;
    if (!(*x.dims)[0].known()) {
      // input_sizes' batch entry from the run-time shape of x.
      ir::Value* shape = b.Emit("Shape", {in},
                                {{"T", TypeAttr(DataType::kFloat32)},
                                 {"out_type", ir::Attribute::Type(DataType::kInt32)}},
                                DataType::kInt32)
                             ->output(0);
      batch = EmitStridedSlice(b, shape, b.ConstInt32({0}, n.name() + "/b0"),
                               b.ConstInt32({1}, n.name() + "/b1"),
                               b.ConstInt32({1}, n.name() + "/b2"), DataType::kInt32);
    }
    const bool crop = pb != std::vector<int64_t>(pb.size(), 0) || out != full;
    const bool has_bias = n.input(2) != nullptr;
    const std::string last_name = ChannelsLastOutName(b, r);
    std::vector<ir::Value*> parts;
    const int64_t cg = cin / group;
    for (int64_t g = 0; g < group; ++g) {
      ir::Value* xg = group == 1 ? in : SliceLastAxis(b, in, 4, g * cg, (g + 1) * cg);
      ir::Value* f = nullptr;
      if (wc) {
        const Tensor rows = group == 1 ? w : SliceRows(w, g * cg, (g + 1) * cg);
        // [C, M, kh, kw] -> [kh, kw, M, C].
        f = b.Const(TransposeTensor(rows, {2, 3, 1, 0}), n.input(1)->name() + "/tf");
      } else {
        f = group == 1 ? wrun : SliceLastAxis(b, wrun, 4, g * cg, (g + 1) * cg);
      }
      ir::Value* sizes = nullptr;
      if (batch) {
        sizes = ConcatLastAxis(b, {batch, b.ConstInt32({full[0], full[1], mg}, n.name() + "/hwc")},
                               1);
      } else {
        sizes = b.ConstInt32({(*x.dims)[0].value, full[0], full[1], mg}, n.name() + "/sizes");
      }
      const bool named = group == 1 && !crop && !has_bias;
      parts.push_back(b.Emit("Conv2DBackpropInput", {sizes, f, xg},
                             {{"T", TypeAttr(DataType::kFloat32)},
                              {"strides", ir::Attribute::Ints({1, s[0], s[1], 1})},
                              {"dilations", ir::Attribute::Ints({1, 1, 1, 1})},
                              {"padding", ir::Attribute::String("VALID")},
                              {"use_cudnn_on_gpu", ir::Attribute::Bool(true)},
                              {"data_format", ir::Attribute::String("NHWC")}},
                             DataType::kFloat32, named ? last_name : "")
                          ->output(0));
    }
    ir::Value* y = group == 1 ? parts[0]
                              : ConcatLastAxis(b, parts, 4, !crop && !has_bias ? last_name : "");
    if (crop) {
      const std::string p = n.name() + "/crop";
      SliceMasks whole_nc;  // batch and channels whole
      whole_nc.begin = whole_nc.end = 9;
      y = EmitStridedSlice(b, y, b.ConstInt32({0, pb[0], pb[1], 0}, p + "/begin"),
                           b.ConstInt32({0, pb[0] + out[0], pb[1] + out[1], 0}, p + "/end"),
                           b.ConstInt32({1, 1, 1, 1}, p + "/strides"), DataType::kFloat32,
                           whole_nc, has_bias ? "" : last_name);
    }
    if (has_bias) {
      const Tensor* bias = b.ConstInput(2);
      ir::Value* bv = nullptr;
      if (bias) {
        bv = b.Const(*bias, n.input(2)->name());
      } else {
        FERRY_ASSIGN_OR_RETURN(bv, b.ValueIn(n.input(2), ValueLayout::kPlain));
      }
      y = b.Emit("BiasAdd", {y, bv},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"data_format", ir::Attribute::String("NHWC")}},
                 DataType::kFloat32, last_name)
              ->output(0);
    }
    b.SetOutput(0, FinishChannelsLast(b, y, r));
    return Status::Ok();
  }

 private:
  // [kh, kw, M, C] -> [(kh - 1) * dh + 1, (kw - 1) * dw + 1, M, C] with zeros between the
  // taps: per spatial axis Reshape to [.., k, 1, rest], Pad the unit axis to d, Reshape to
  // k * d and StridedSlice off the d - 1 trailing zeros.
  static ir::Value* DilateRunTimeFilter(TfBuilder& b, ir::Value* w, const std::vector<int64_t>& k,
                                        const std::vector<int64_t>& d, int64_t m, int64_t c) {
    const DataType f = DataType::kFloat32;
    const std::string p = b.node().name() + "/dilate";
    std::vector<int64_t> cur = {k[0], k[1], m, c};
    for (int axis = 0; axis < 2; ++axis) {
      if (d[axis] == 1) continue;
      int64_t rest = 1;
      for (int i = axis + 1; i < 4; ++i) rest *= cur[i];
      std::vector<int64_t> split(cur.begin(), cur.begin() + axis + 1);
      split.push_back(1);
      split.push_back(rest);
      w = EmitReshape(b, w, f, split, p + "/split");
      const int sr = static_cast<int>(split.size());
      std::vector<int32_t> pads(2 * sr, 0);
      pads[2 * (axis + 1) + 1] = static_cast<int32_t>(d[axis] - 1);
      w = b.Emit("Pad", {w, b.Const(Tensor::FromVector<int32_t>(pads, Shape{sr, 2}), p + "/pads")},
                 {{"T", TypeAttr(f)}, {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}}, f)
              ->output(0);
      std::vector<int64_t> merged = cur;
      merged[axis] = cur[axis] * d[axis];
      w = EmitReshape(b, w, f, merged, p + "/merged");
      std::vector<int64_t> begin(4, 0), end = merged, strides(4, 1);
      end[axis] = (cur[axis] - 1) * d[axis] + 1;
      w = EmitStridedSlice(b, w, b.ConstInt32(begin, p + "/b"), b.ConstInt32(end, p + "/e"),
                           b.ConstInt32(strides, p + "/s"), f);
      cur[axis] = end[axis];
    }
    return w;
  }

  // Sizes per spatial dim, as ferry's ONNX runtime (onnx/ops/conv_transpose.cc) derives them
  // from the ConvTranspose-11 spec.
  static StatusOr<TransposeWindow> Window(const ir::Node& n, const ValueFacts& x,
                                          const ValueFacts& w) {
    const int sp = x.rank() - 2;
    TransposeWindow tw;
    const std::vector<int64_t> ones(sp, 1), zeros(sp, 0);
    tw.s = n.GetInts("strides", ones);
    tw.d = n.GetInts("dilations", ones);
    const std::vector<int64_t> opad = n.GetInts("output_padding", zeros);
    const std::vector<int64_t> pads = n.GetInts("pads", std::vector<int64_t>(2 * sp, 0));
    std::vector<int64_t> out_shape = n.GetInts("output_shape");
    if (static_cast<int>(out_shape.size()) == sp + 2)
      out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
    const std::string auto_pad = n.GetString("auto_pad", "NOTSET");
    if (static_cast<int>(tw.s.size()) != sp || static_cast<int>(tw.d.size()) != sp ||
        static_cast<int>(opad.size()) != sp || static_cast<int>(pads.size()) != 2 * sp ||
        (!out_shape.empty() && static_cast<int>(out_shape.size()) != sp))
      return InvalidArgument(n.Describe() + ": spatial attributes do not match " +
                             std::to_string(sp) + "-D data");
    for (int i = 0; i < sp; ++i) {
      const ir::Dim& in = (*x.dims)[2 + i];
      const ir::Dim& kd = (*w.dims)[2 + i];
      if (!in.known() || !kd.known())
        return Unimplemented(n.Describe() + ": spatial dims must be static to convert to TF");
      const int64_t k = (kd.value - 1) * tw.d[i] + 1;
      const int64_t full = tw.s[i] * (in.value - 1) + opad[i] + k;
      int64_t pb = auto_pad == "VALID" ? 0 : pads[i], pe = auto_pad == "VALID" ? 0 : pads[i + sp];
      int64_t out = 0;
      const bool same = auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER";
      if (!out_shape.empty() || same) {
        out = !out_shape.empty() ? out_shape[i] : in.value * tw.s[i];
        const int64_t total = full - out;
        pb = auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        if (total < 0) pb = 0;
      } else {
        out = full - pb - pe;
      }
      if (out < 0) return InvalidArgument(n.Describe() + ": pads exceed the output size");
      tw.k.push_back(k);
      tw.full.push_back(full);
      tw.pb.push_back(pb);
      tw.out.push_back(out);
    }
    return tw;
  }
};

}  // namespace

void RegisterConvTranspose(ConverterTable& t) { t.Add(std::make_unique<ConvTransposeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
