// ONNX Conv (1, 11) on 1-D, 2-D and 3-D inputs -> TF Conv2D / DepthwiseConv2dNative / Conv3D
// (+ BiasAdd), channels-last (see spatial.h for how rank 3 and 5 are laid out).
//   - Weights OI<spatial> become TF's <spatial>IO: permuted at convert time when constant,
//     by a Transpose when they are a run-time input.
//   - 2-D pads: SAME/VALID when identical, else EXPLICIT with explicit_paddings in NHWC order
//     (TF nn_ops.cc: Conv2D and DepthwiseConv2dNative accept EXPLICIT). Conv3D has only
//     SAME/VALID (nn_ops.cc), so other 3-D pads become a Pad before a VALID Conv3D.
//   - 3-D dilations, and dilations beside a stride, are folded into a constant kernel (zeros
//     between taps): TF's CPU Conv3D rejects dilation rates above 1 (conv_ops_3d.cc), and
//     TF.js's conv2d takes dilations only with stride 1.
//   - group == C_in with one input channel per group and equal strides is
//     DepthwiseConv2dNative; any other group > 1 is a StridedSlice per group on the channel
//     axis, one conv each, and a ConcatV2 (TF's grouped Conv2D runs only on GPU, and TF.js's
//     conv2d requires input depth == filter depth).
#include <algorithm>
#include <optional>

#include "convert/onnx_to_tf/ops/spatial.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ConvToTf final : public OpConverter {
 public:
  ConvToTf() : OpConverter("Conv", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts& out = ctx.out(0);
    out.dtype = ctx.in(0).dtype;
    const ValueFacts& x = ctx.in(0);
    const ValueFacts& w = ctx.in(1);
    const int r = x.rank();
    if (r < 3 || w.rank() != r) return Status::Ok();
    const auto& xd = *x.dims;
    const auto& wd = *w.dims;
    std::vector<int64_t> k;
    for (int i = 2; i < r; ++i) {
      if (!wd[i].known()) return Status::Ok();
      k.push_back(wd[i].value);
    }
    auto win = ReadWindow(n, std::vector<ir::Dim>(xd.begin() + 2, xd.end()), k);
    if (!win.ok()) return Status::Ok();  // reported by Convert
    std::vector<ir::Dim> dims = {xd[0], wd[0]};
    for (const ir::Dim& d : WindowOutDims(*win)) dims.push_back(d);
    out.dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    const ValueFacts& wf = b.in_facts(1);
    const int r = x.rank();
    if (r < 3 || r > 5)
      return b.Error("input 0 has rank " + std::to_string(r) +
                     ": only 1-D, 2-D and 3-D convolution converts to TF");
    if (x.dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    if (wf.rank() != r)
      return b.Error("input 1 (weights) has rank " + std::to_string(wf.rank()) + ", expected " +
                     std::to_string(r));
    std::vector<int64_t> k;
    for (int i = 2; i < r; ++i) {
      if (!(*wf.dims)[i].known()) return b.Error("input 1 (weights) has unknown kernel dims");
      k.push_back((*wf.dims)[i].value);
    }
    if (n.has_attr("kernel_shape") && n.GetInts("kernel_shape") != k)
      return b.Unsupported("kernel_shape", "does not match the weights' kernel dims");
    FERRY_ASSIGN_OR_RETURN(
        NdWindow win, ReadWindow(n, std::vector<ir::Dim>(x.dims->begin() + 2, x.dims->end()), k));
    const int64_t group = n.GetInt("group", 1);
    if (!(*wf.dims)[0].known() || !(*wf.dims)[1].known())
      return b.Error("input 1 (weights) has unknown channel dims");
    const int64_t cout = (*wf.dims)[0].value, cin_g = (*wf.dims)[1].value;
    if (group < 1 || cout % group != 0)
      return b.Unsupported("group", "= " + std::to_string(group) + " does not divide the " +
                                        std::to_string(cout) + " output channels");
    const Tensor* wc = b.ConstInput(1);
    if (wc && wc->dtype() != DataType::kFloat32) return b.Error("weights must be float32");

    // Constant 3-D dilations are folded into the kernel; 1-D runs as 2-D (unit H dim).
    std::optional<Tensor> wt;
    if (wc) wt = *wc;
    const bool dilated = std::any_of(win.d.begin(), win.d.end(), [](int64_t v) { return v != 1; });
    const bool strided = std::any_of(win.s.begin(), win.s.end(), [](int64_t v) { return v != 1; });
    if (dilated && (r == 5 || strided)) {
      if (!wt)
        return b.Unsupported("dilations", "other than 1 need constant weights on a 3-D or strided "
                                          "Conv (TF's CPU Conv3D has no dilations; TF.js's "
                                          "conv2d takes dilations only with stride 1)");
      wt = DilateKernel(*wt, win.d);
      for (int i = 0; i < win.rank(); ++i) {
        win.k[i] = (win.k[i] - 1) * win.d[i] + 1;
        win.d[i] = 1;
      }
    }
    if (r == 3) {
      win = LiftTo2D(win);
      if (wt) {
        FERRY_ASSIGN_OR_RETURN(Tensor w4, wt->Reshaped(Shape{cout, cin_g, 1, wt->dim(2)}));
        wt = w4;
      }
    }
    const int tr = r == 3 ? 4 : r;  // rank of the TF op's tensors
    std::vector<int64_t> to_tf_filter;  // OI<spatial> -> <spatial>IO
    for (int i = 2; i < tr; ++i) to_tf_filter.push_back(i);
    to_tf_filter.push_back(1);
    to_tf_filter.push_back(0);

    std::string padding = TfPaddingOf(win);
    FERRY_ASSIGN_OR_RETURN(ir::Value * in, ChannelsLastInput(b, 0));
    if (tr == 5 && padding == "EXPLICIT") {
      in = b.Emit("Pad", {in, ChannelsLastPaddings(b, win)},
                  {{"T", TypeAttr(DataType::kFloat32)},
                   {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}},
                  DataType::kFloat32)
               ->output(0);
      padding = "VALID";
    }
    // A run-time filter: plain OI<spatial> -> (1-D: unit H) -> <spatial>IO.
    ir::Value* wrun = nullptr;
    if (!wt) {
      FERRY_ASSIGN_OR_RETURN(wrun, b.ValueIn(n.input(1), ValueLayout::kPlain));
      if (r == 3)
        wrun = b.Emit("ExpandDims", {wrun, b.ConstInt32({2}, n.name() + "/w_axis", true)},
                      {{"T", TypeAttr(DataType::kFloat32)},
                       {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
                      DataType::kFloat32)
                   ->output(0);
      wrun = EmitTranspose(b, wrun, to_tf_filter);
    }

    const bool has_bias = n.input(2) != nullptr;
    const std::string conv_name = has_bias ? "" : ChannelsLastOutName(b, r);
    const ir::Dim cin = (*x.dims)[1];
    ir::Value* y = nullptr;
    if (tr == 4 && wt && group > 1 && cin.known() && group == cin.value && cin_g == 1 &&
        win.s[0] == win.s[1]) {
      // [C*M, 1, kh, kw] -> [kh, kw, 1, C*M] -> [kh, kw, C, M]: output channel c*M + m reads
      // input channel c in both ONNX (group c) and TF.
      Tensor hwo = TransposeTensor(*wt, to_tf_filter);
      FERRY_ASSIGN_OR_RETURN(Tensor f4, hwo.Reshaped(Shape{win.k[0], win.k[1], group,
                                                           cout / group}));
      y = EmitConv(b, "DepthwiseConv2dNative", in, b.Const(f4, n.input(1)->name() + "/depthwise"),
                   win, padding, tr, conv_name);
    } else {
      std::vector<ir::Value*> parts;
      const int64_t og = cout / group;
      for (int64_t g = 0; g < group; ++g) {
        ir::Value* xg = group == 1 ? in : SliceLastAxis(b, in, tr, g * cin_g, (g + 1) * cin_g);
        ir::Value* fg = nullptr;
        if (wt) {
          const Tensor rows = group == 1 ? *wt : SliceRows(*wt, g * og, (g + 1) * og);
          fg = b.Const(TransposeTensor(rows, to_tf_filter), n.input(1)->name() + "/tf");
        } else {
          fg = group == 1 ? wrun : SliceLastAxis(b, wrun, tr, g * og, (g + 1) * og);
        }
        parts.push_back(EmitConv(b, tr == 4 ? "Conv2D" : "Conv3D", xg, fg, win, padding, tr,
                                 group == 1 ? conv_name : ""));
      }
      y = group == 1 ? parts[0] : ConcatLastAxis(b, parts, tr, has_bias ? "" : conv_name);
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
                 DataType::kFloat32, ChannelsLastOutName(b, r))
              ->output(0);
    }
    b.SetOutput(0, FinishChannelsLast(b, y, r));
    return Status::Ok();
  }

 private:
  // One TF convolution of rank tr (4: Conv2D / DepthwiseConv2dNative, 5: Conv3D).
  static ir::Value* EmitConv(TfBuilder& b, const std::string& op, ir::Value* x, ir::Value* f,
                             const NdWindow& w, const std::string& padding, int tr,
                             const std::string& name) {
    std::vector<int64_t> strides = {1}, dilations = {1};
    for (int i = 0; i < w.rank(); ++i) {
      strides.push_back(w.s[i]);
      dilations.push_back(w.d[i]);
    }
    strides.push_back(1);
    dilations.push_back(1);
    Attrs attrs = {{"T", TypeAttr(DataType::kFloat32)},
                   {"strides", ir::Attribute::Ints(strides)},
                   {"dilations", ir::Attribute::Ints(dilations)},
                   {"padding", ir::Attribute::String(padding)},
                   {"data_format", ir::Attribute::String(tr == 4 ? "NHWC" : "NDHWC")}};
    if (padding == "EXPLICIT")
      attrs.push_back({"explicit_paddings", ir::Attribute::Ints({0, 0, w.begin(0), w.end(0),
                                                                 w.begin(1), w.end(1), 0, 0})});
    if (op == "Conv2D") attrs.push_back({"use_cudnn_on_gpu", ir::Attribute::Bool(true)});
    return b.Emit(op, {x, f}, std::move(attrs), DataType::kFloat32, name)->output(0);
  }
};

}  // namespace

void RegisterConv(ConverterTable& t) { t.Add(std::make_unique<ConvToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
