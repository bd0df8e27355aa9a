// ONNX MatMulInteger (10), QLinearMatMul (10), ConvInteger (10) and QLinearConv (10) as float32
// arithmetic (TF's quantized ops are neither in TF.js nor ONNX's rounding):
//   acc = MatMul / Conv2D(Cast(x, float) - x_zp, Cast(w, float) - w_zp)  (+ Cast(bias, float))
//   MatMulInteger, ConvInteger: Cast(acc, int32)
//   QLinear*: Cast(ClipByValue(Round(acc * (x_scale * w_scale / y_scale)) + y_zp, lo, hi), T)
// The accumulator is exact: every product of two 8-bit differences (|d| <= 255) and every
// partial sum is an integer below 2^24, which the converter proves from the static reduction
// length K (K * 255 * 255 < 2^24, or with constant weights 255 * sum |w - w_zp| per output
// channel) and refuses otherwise; the multiplier and the Round (half to even in TF and TF.js)
// follow ferry's runtime (onnx/ops/quantized.cc: float32 product, then division). A per-row
// a_zero_point is reshaped to [M, 1]; w's zero point / scale per output channel broadcast
// along the last axis (N of a matmul, C of the NHWC conv). Convs: 2-D, group 1; pads other
// than TF's SAME/VALID become a Pad of the shifted (zero-centred) input, where ONNX's padding
// contributes nothing.
#include <cmath>

#include "convert/onnx_to_tf/ops/emit.h"
#include "convert/onnx_to_tf/ops/spatial.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

constexpr double kExactLimit = 16777216.0;  // 2^24: float32 holds every integer below

class IntegerToTf final : public OpConverter {
 public:
  IntegerToTf(const std::string& op, bool conv, bool qlinear)
      : OpConverter(op, 10), conv_(conv), q_(qlinear) {}
  Layout layout() const override { return conv_ ? Layout::kNhwcNative : Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    if (!conv_) return {};
    return {"auto_pad", "dilations", "group", "kernel_shape", "pads", "strides"};
  }

  // Input indices: MatMulInteger / ConvInteger (x, w, x_zp, w_zp); QLinear* (x, x_scale, x_zp,
  // w, w_scale, w_zp, y_scale, y_zp, bias).
  int X() const { return 0; }
  int Xzp() const { return 2; }
  int W() const { return q_ ? 3 : 1; }
  int Wzp() const { return q_ ? 5 : 3; }
  int Yzp() const { return 7; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts &x = ctx.in(X()), &w = ctx.in(W());
    ValueFacts& out = ctx.out(0);
    out.dtype = q_ ? ctx.in(Yzp()).dtype : DataType::kInt32;
    if (conv_) {
      if (x.rank() != 4 || w.rank() != 4) return Status::Ok();
      std::vector<int64_t> k = {};
      for (int i = 2; i < 4; ++i) k.push_back((*w.dims)[i].known() ? (*w.dims)[i].value : -1);
      if (k[0] < 0 || k[1] < 0) return Status::Ok();
      auto win = ReadWindow(n, std::vector<ir::Dim>(x.dims->begin() + 2, x.dims->end()), k);
      if (!win.ok()) return Status::Ok();
      std::vector<ir::Dim> dims = {(*x.dims)[0], (*w.dims)[0]};
      for (const ir::Dim& d : WindowOutDims(*win)) dims.push_back(d);
      out.dims = dims;
      return Status::Ok();
    }
    if (x.rank() >= 2 && w.rank() >= 2 && (x.rank() > 2 || w.rank() > 2)) {
      ValueFacts bx, bw;
      bx.dims = std::vector<ir::Dim>(x.dims->begin(), x.dims->end() - 2);
      bw.dims = std::vector<ir::Dim>(w.dims->begin(), w.dims->end() - 2);
      FERRY_ASSIGN_OR_RETURN(auto batch, BroadcastDims(bx, bw, ctx));
      if (batch) {
        batch->push_back((*x.dims)[x.rank() - 2]);
        batch->push_back((*w.dims)[w.rank() - 1]);
        out.dims = batch;
      }
      return Status::Ok();
    }
    const DataType t = out.dtype;
    InferMatMul2D(x, w, false, false, &out);
    out.dtype = t;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType f = DataType::kFloat32;
    const std::string p = n.name();
    const ValueFacts &xf = b.in_facts(X()), &wf = b.in_facts(W());
    for (int i : {X(), W()}) {
      const DataType t = b.in_facts(i).dtype;
      if (t != DataType::kUInt8 && t != DataType::kInt8)
        return b.Error("input " + std::to_string(i) + " is " + DataTypeName(t) +
                       ", expected uint8 or int8");
    }
    const int rx = xf.rank(), rw = wf.rank();
    if (conv_ ? (rx != 4 || rw != 4) : (rx < 2 || rw < 2))
      return b.Error(conv_ ? "only 2-D convolutions (rank-4 inputs) convert"
                           : "only MatMul operands of rank >= 2 convert");
    const std::vector<int64_t> wd = wf.StaticDims();
    for (int64_t d : wd)
      if (d < 0) return b.Error("input " + std::to_string(W()) + " needs static dims");
    const int64_t k = conv_ ? wd[1] * wd[2] * wd[3] : wd[rw - 2];
    FERRY_RETURN_IF_ERROR(CheckExact(b, k));

    // Shifted operands.
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, conv_ ? ChannelsLastInput(b, X()) : b.Input(X()));
    x = EmitCast(b, x, xf.dtype, f, p + "/x_float");
    FERRY_ASSIGN_OR_RETURN(ir::Value * xzp, ZeroPoint(b, Xzp(), p + "/x_zp"));
    if (xzp) {
      const int64_t rows = Elements(b, Xzp());
      if (!conv_ && rows > 1) xzp = EmitReshape(b, xzp, f, {rows, 1}, p + "/x_zp_rows");
      x = EmitT(b, "Sub", {x, xzp}, f, p + "/x_shifted");
    }
    ir::Value* w = nullptr;
    if (conv_) {
      FERRY_ASSIGN_OR_RETURN(w, b.ValueIn(n.input(W()), ValueLayout::kPlain));
      w = EmitTranspose(b, EmitCast(b, w, wf.dtype, f, p + "/w_float"), f, {2, 3, 1, 0},
                        p + "/w_hwio");
    } else {
      FERRY_ASSIGN_OR_RETURN(w, b.Input(W()));
      w = EmitCast(b, w, wf.dtype, f, p + "/w_float");
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * wzp, ZeroPoint(b, Wzp(), p + "/w_zp"));
    if (wzp) w = EmitT(b, "Sub", {w, wzp}, f, p + "/w_shifted");

    ir::Value* acc = nullptr;
    if (conv_) {
      FERRY_ASSIGN_OR_RETURN(acc, Conv(n, b, x, w, xf, wd));
    } else if (rx == 2 && rw == 2) {
      acc = b.Emit("MatMul", {x, w},
                   {{"T", TypeAttr(f)},
                    {"transpose_a", ir::Attribute::Bool(false)},
                    {"transpose_b", ir::Attribute::Bool(false)}},
                   f, p + "/acc")
                ->output(0);
    } else {
      acc = b.Emit("BatchMatMulV2", {x, w},
                   {{"T", TypeAttr(f)},
                    {"adj_x", ir::Attribute::Bool(false)},
                    {"adj_y", ir::Attribute::Bool(false)}},
                   f, p + "/acc")
                ->output(0);
    }
    const bool finish_conv = conv_ && !b.nhwc();
    const std::string out_name = finish_conv ? "" : b.OutName(0);
    ir::Value* y = nullptr;
    if (!q_) {
      y = EmitCast(b, acc, f, DataType::kInt32, out_name);
    } else {
      if (conv_ && n.num_inputs() > 8 && n.input(8)) {
        FERRY_ASSIGN_OR_RETURN(ir::Value * bias, b.Input(8));
        acc = EmitT(b, "AddV2", {acc, EmitCast(b, bias, DataType::kInt32, f, p + "/bias_float")},
                    f, p + "/acc_bias");
      }
      FERRY_ASSIGN_OR_RETURN(ir::Value * xs, Scale(b, 1, p + "/x_scale"));
      FERRY_ASSIGN_OR_RETURN(ir::Value * ws, Scale(b, 4, p + "/w_scale"));
      FERRY_ASSIGN_OR_RETURN(ir::Value * ys, Scale(b, 6, p + "/y_scale"));
      if (Elements(b, 1) != 1) return b.Error("a per-row input 1 (scale) is not converted");
      ir::Value* mult = EmitT(b, "RealDiv", {EmitT(b, "Mul", {xs, ws}, f, p + "/xw_scale"), ys}, f,
                              p + "/multiplier");
      ir::Value* q = EmitT(b, "Round", {EmitT(b, "Mul", {acc, mult}, f, p + "/scaled")}, f,
                           p + "/rounded");
      const DataType yt = b.in_facts(Yzp()).dtype;
      if (yt != DataType::kUInt8 && yt != DataType::kInt8)
        return b.Error("input 7 (y_zero_point) is " + std::string(DataTypeName(yt)) +
                       ", expected uint8 or int8");
      FERRY_ASSIGN_OR_RETURN(ir::Value * yzp, ZeroPoint(b, Yzp(), p + "/y_zp"));
      if (yzp) q = EmitT(b, "AddV2", {q, yzp}, f, p + "/shifted");
      const double lo = yt == DataType::kUInt8 ? 0 : -128, hi = yt == DataType::kUInt8 ? 255 : 127;
      q = EmitT(b, "ClipByValue",
                {q, b.Const(Tensor::Scalar<float>(lo), p + "/lo"),
                 b.Const(Tensor::Scalar<float>(hi), p + "/hi")},
                f, p + "/saturated");
      y = EmitCast(b, q, f, yt, out_name);
    }
    b.SetOutput(0, conv_ ? FinishChannelsLast(b, y, 4) : y);
    return Status::Ok();
  }

 private:
  // Refuses a reduction whose float32 sum might round (see the file comment).
  Status CheckExact(TfBuilder& b, int64_t k) const {
    const Tensor* w = b.ConstInput(W());
    const int wzp_i = Wzp();
    const bool wzp_given = b.node().num_inputs() > wzp_i && b.node().input(wzp_i);
    const Tensor* wzp = wzp_given ? b.ConstInput(wzp_i) : nullptr;
    if (w && (!wzp_given || wzp)) {
      // Per output channel: 255 * sum |w - w_zp|.
      const std::vector<int64_t> d = w->shape().dims();
      const int r = static_cast<int>(d.size());
      const int64_t cols = conv_ ? d[0] : d[r - 1];
      std::vector<double> sum(cols, 0.0);
      for (int64_t i = 0; i < w->NumElements(); ++i) {
        const int64_t c = conv_ ? i / (w->NumElements() / cols) : i % cols;
        const double z = !wzp ? 0.0 : wzp->GetAsDouble(wzp->NumElements() == 1 ? 0 : c);
        sum[c] += std::fabs(w->GetAsDouble(i) - z);
      }
      for (double s : sum)
        if (255.0 * s >= kExactLimit)
          return b.Error("a float32 accumulation of these weights could round (255 * sum |w - "
                         "w_zero_point| = " + std::to_string(static_cast<int64_t>(255.0 * s)) +
                         " >= 2^24), so it is not converted");
      return Status::Ok();
    }
    if (static_cast<double>(k) * 255.0 * 255.0 >= kExactLimit)
      return b.Error("a float32 sum of " + std::to_string(k) +
                     " products of 8-bit values could round (exact up to 258 with run-time "
                     "weights), so it is not converted");
    return Status::Ok();
  }

  static int64_t Elements(TfBuilder& b, int i) {
    const ValueFacts& f = b.in_facts(i);
    if (f.rank() < 0) return -1;
    int64_t e = 1;
    for (const ir::Dim& d : *f.dims) e *= d.known() ? d.value : -1;
    return e < 0 ? -1 : e;
  }

  // Input i as float32 (a zero point or scale), flattened to a scalar when it holds one value
  // and to [C] otherwise (it then broadcasts along the last axis). nullptr when omitted.
  static StatusOr<ir::Value*> AsFloatVector(TfBuilder& b, int i, const std::string& name) {
    const ir::Node& n = b.node();
    if (n.num_inputs() <= i || !n.input(i)) return nullptr;
    const int64_t e = Elements(b, i);
    if (e < 1) return b.Error("input " + std::to_string(i) + " needs a static, non-empty shape");
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(i));
    const DataType t = b.in_facts(i).dtype;
    if (t != DataType::kFloat32) v = EmitCast(b, v, t, DataType::kFloat32, name + "_float");
    if (e == 1) return EmitReshape(b, v, DataType::kFloat32, {}, name);
    return EmitReshape(b, v, DataType::kFloat32, {e}, name);
  }
  static StatusOr<ir::Value*> ZeroPoint(TfBuilder& b, int i, const std::string& name) {
    return AsFloatVector(b, i, name);
  }
  static StatusOr<ir::Value*> Scale(TfBuilder& b, int i, const std::string& name) {
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, AsFloatVector(b, i, name));
    if (!v) return b.Error("input " + std::to_string(i) + " (scale) is missing");
    return v;
  }

  // Conv2D of the shifted NHWC x and HWIO w.
  StatusOr<ir::Value*> Conv(const ir::Node& n, TfBuilder& b, ir::Value* x, ir::Value* w,
                            const ValueFacts& xf, const std::vector<int64_t>& wd) const {
    if (n.GetInt("group", 1) != 1) return b.Unsupported("group", "other than 1 is not converted");
    const std::vector<int64_t> k = {wd[2], wd[3]};
    if (n.has_attr("kernel_shape") && n.GetInts("kernel_shape") != k)
      return b.Unsupported("kernel_shape", "does not match the weights' kernel dims");
    FERRY_ASSIGN_OR_RETURN(
        NdWindow win, ReadWindow(n, std::vector<ir::Dim>(xf.dims->begin() + 2, xf.dims->end()), k));
    const bool dilated = win.d[0] != 1 || win.d[1] != 1;
    if (dilated && (win.s[0] != 1 || win.s[1] != 1))
      return b.Unsupported("dilations", "beside a stride are not converted (TF.js's conv2d takes "
                                        "dilations only with stride 1)");
    std::string padding = TfPaddingOf(win);
    const DataType f = DataType::kFloat32;
    if (padding == "EXPLICIT") {
      x = b.Emit("Pad", {x, ChannelsLastPaddings(b, win)},
                 {{"T", TypeAttr(f)}, {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}}, f)
              ->output(0);
      padding = "VALID";
    }
    return b.Emit("Conv2D", {x, w},
                  {{"T", TypeAttr(f)},
                   {"strides", ir::Attribute::Ints({1, win.s[0], win.s[1], 1})},
                   {"dilations", ir::Attribute::Ints({1, win.d[0], win.d[1], 1})},
                   {"padding", ir::Attribute::String(padding)},
                   {"data_format", ir::Attribute::String("NHWC")}},
                  f, n.name() + "/acc")
        ->output(0);
  }

  bool conv_, q_;
};

}  // namespace

void RegisterIntegerMatMulConv(ConverterTable& t) {
  t.Add(std::make_unique<IntegerToTf>("MatMulInteger", false, false));
  t.Add(std::make_unique<IntegerToTf>("QLinearMatMul", false, true));
  t.Add(std::make_unique<IntegerToTf>("ConvInteger", true, false));
  t.Add(std::make_unique<IntegerToTf>("QLinearConv", true, true));
}

}  // namespace ferry::convert::onnx_to_tf::ops
