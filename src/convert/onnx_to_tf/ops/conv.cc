// ONNX Conv (1, 11) -> TF Conv2D (group 1) or DepthwiseConv2dNative (group == C_in),
// + BiasAdd. Weights must be constant: OIHW is permuted to TF's HWIO at convert time.
// Pads become SAME/VALID when identical, else EXPLICIT with explicit_paddings in NHWC order
// (TF nn_ops.cc: Conv2D and DepthwiseConv2dNative both accept EXPLICIT).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ConvToTf final : public OpConverter {
 public:
  ConvToTf() : OpConverter("Conv", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts& out = ctx.out(0);
    out.dtype = ctx.in(0).dtype;
    const ValueFacts& x = ctx.in(0);
    const ValueFacts& w = ctx.in(1);
    if (x.rank() != 4 || w.rank() != 4) return Status::Ok();
    const auto& xd = *x.dims;
    const auto& wd = *w.dims;
    std::vector<int64_t> k = {wd[2].value, wd[3].value};
    std::vector<int64_t> s = n.GetInts("strides", {1, 1}), d = n.GetInts("dilations", {1, 1});
    if (s.size() != 2 || d.size() != 2 || !wd[2].known() || !wd[3].known()) return Status::Ok();
    auto pads = ResolvePads(n, {xd[2], xd[3]}, k, s, d);
    if (!pads.ok()) return Status::Ok();  // reported by Convert
    const auto& p = *pads;
    out.dims = std::vector<ir::Dim>{xd[0], wd[0], WindowOut(xd[2], k[0], s[0], d[0], p[0], p[2]),
                                    WindowOut(xd[3], k[1], s[1], d[1], p[1], p[3])};
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    if (x.rank() != 4)
      return b.Error("input 0 has rank " + std::to_string(x.rank()) +
                     ": only 2-D convolution (rank 4) converts to TF");
    const Tensor* w = b.ConstInput(1);
    if (!w) return b.Error("input 1 (weights) must be a constant to convert to TF");
    if (w->rank() != 4 || w->dtype() != DataType::kFloat32)
      return b.Error("weights " + w->DebugString() + " must be float32 of rank 4");
    const std::vector<int64_t> k = {w->dim(2), w->dim(3)};
    if (n.has_attr("kernel_shape") && n.GetInts("kernel_shape") != k)
      return b.Unsupported("kernel_shape", "does not match the weights " + w->shape().ToString());
    const std::vector<int64_t> s = n.GetInts("strides", {1, 1});
    const std::vector<int64_t> d = n.GetInts("dilations", {1, 1});
    FERRY_RETURN_IF_ERROR(CheckSpatial(n, "strides", s));
    FERRY_RETURN_IF_ERROR(CheckSpatial(n, "dilations", d));
    const std::vector<ir::Dim> hw = {(*x.dims)[2], (*x.dims)[3]};
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> pads, ResolvePads(n, hw, k, s, d));
    const std::string padding = TfPadding(hw, k, s, d, pads);
    const int64_t group = n.GetInt("group", 1);
    const ir::Dim cin = (*x.dims)[1];
    const int64_t cout = w->dim(0);

    FERRY_ASSIGN_OR_RETURN(ir::Value * in, b.Input(0));
    Attrs attrs = {{"T", TypeAttr(DataType::kFloat32)},
                   {"strides", ir::Attribute::Ints({1, s[0], s[1], 1})},
                   {"dilations", ir::Attribute::Ints({1, d[0], d[1], 1})},
                   {"padding", ir::Attribute::String(padding)},
                   {"data_format", ir::Attribute::String("NHWC")}};
    if (padding == "EXPLICIT")
      attrs.push_back({"explicit_paddings",
                       ir::Attribute::Ints({0, 0, pads[0], pads[2], pads[1], pads[3], 0, 0})});
    const bool has_bias = n.input(2) != nullptr;
    const std::string out = has_bias ? "" : b.OutName(0);
    ir::Node* conv = nullptr;
    if (group == 1) {
      // OIHW -> HWIO.
      ir::Value* f = b.Const(TransposeTensor(*w, {2, 3, 1, 0}), n.input(1)->name() + "/hwio");
      attrs.push_back({"use_cudnn_on_gpu", ir::Attribute::Bool(true)});
      conv = b.Emit("Conv2D", {in, f}, std::move(attrs), DataType::kFloat32, out);
    } else if (cin.known() && group == cin.value && w->dim(1) == 1) {
      if (s[0] != s[1])
        return b.Unsupported("strides", "differ per axis, which TF's depthwise conv rejects");
      // [C*M, 1, kh, kw] -> [kh, kw, C*M] -> [kh, kw, C, M]: output channel c*M + m reads
      // input channel c in both ONNX (group c) and TF.
      Tensor hwo = TransposeTensor(*w, {2, 3, 1, 0});
      FERRY_ASSIGN_OR_RETURN(Tensor f4, hwo.Reshaped(Shape{k[0], k[1], group, cout / group}));
      ir::Value* f = b.Const(f4, n.input(1)->name() + "/depthwise");
      conv = b.Emit("DepthwiseConv2dNative", {in, f}, std::move(attrs), DataType::kFloat32, out);
    } else {
      return b.Unsupported(
          "group", "= " + std::to_string(group) + " is neither 1 nor depthwise (= input channels)");
    }
    ir::Value* y = conv->output(0);
    if (has_bias) {
      const Tensor* bias = b.ConstInput(2);
      ir::Value* bv = nullptr;
      if (bias) {
        bv = b.Const(*bias, n.input(2)->name());
      } else {
        FERRY_ASSIGN_OR_RETURN(bv, b.Input(2));
      }
      y = b.Emit("BiasAdd", {y, bv},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"data_format", ir::Attribute::String("NHWC")}},
                 DataType::kFloat32, b.OutName(0))
              ->output(0);
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }
};

}  // namespace

void RegisterConv(ConverterTable& t) { t.Add(std::make_unique<ConvToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
