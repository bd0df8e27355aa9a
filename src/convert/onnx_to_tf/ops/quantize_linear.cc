// ONNX QuantizeLinear (10, 13), DequantizeLinear (10, 13) and DynamicQuantizeLinear (11) as
// float arithmetic (TF's quantize ops are neither in TF.js nor ONNX's rounding):
//   QuantizeLinear:   Cast(ClipByValue(Round(x / scale) + zero_point, lo, hi), T), with lo, hi
//                     T's range (uint8 [0, 255], int8 [-128, 127]); TF's Round and ONNX's
//                     rounding are both half to even.
//   DequantizeLinear: (Cast(x, float) - Cast(zero_point, float)) * scale
//   DynamicQuantizeLinear: scale = (max(x, 0) - min(x, 0)) / 255, zero_point =
//                     clip(round(-min(x, 0) / scale), 0, 255), then QuantizeLinear to uint8.
// A 1-D scale / zero_point applies along `axis` (13; default 1): it is reshaped to
// [C, 1, ..., 1] so that it broadcasts there.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

enum class Q { kQuantize, kDequantize, kDynamic };

class QuantizeToTf final : public OpConverter {
 public:
  QuantizeToTf(const std::string& op, int since, Q q) : OpConverter(op, since), q_(q) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    if (q_ == Q::kDynamic || since_opset() < 13) return {};
    return {"axis"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dims = x.dims;
    switch (q_) {
      case Q::kQuantize:
        ctx.out(0).dtype = n.num_inputs() > 2 && n.input(2) ? ctx.in(2).dtype : DataType::kUInt8;
        break;
      case Q::kDequantize: ctx.out(0).dtype = DataType::kFloat32; break;
      case Q::kDynamic:
        ctx.out(0).dtype = DataType::kUInt8;
        ctx.out(1).dtype = DataType::kFloat32;
        ctx.out(1).dims = std::vector<ir::Dim>{};
        ctx.out(2).dtype = DataType::kUInt8;
        ctx.out(2).dims = std::vector<ir::Dim>{};
        break;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input 0 rank is unknown");
    const std::string& p = n.name();
    const DataType f = DataType::kFloat32;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    if (q_ == Q::kDynamic) return ConvertDynamic(n, b, x, r);
    int64_t axis = n.GetInt("axis", 1);
    if (axis < 0) axis += r;
    // A 1-D per-axis parameter reshaped to broadcast along `axis`.
    auto along_axis = [&](int i, ir::Value* v, DataType t) -> StatusOr<ir::Value*> {
      const int pr = b.in_facts(i).rank();
      if (pr <= 0 || (pr == 1 && r <= 1)) return v;
      if (pr != 1) return b.Error("input " + std::to_string(i) + " must be a scalar or 1-D");
      if (axis < 0 || axis >= r) return b.Error("attribute 'axis' is out of range");
      std::vector<int64_t> shape = {-1};
      for (int64_t j = axis + 1; j < r; ++j) shape.push_back(1);
      return EmitReshape(b, v, t, shape, p + "/input" + std::to_string(i) + "_on_axis");
    };
    FERRY_ASSIGN_OR_RETURN(ir::Value * scale, b.Input(1));
    if (b.in_facts(1).dtype != f) return b.Error("input 1 (scale) must be float32");
    FERRY_ASSIGN_OR_RETURN(scale, along_axis(1, scale, f));
    const bool has_zp = n.num_inputs() > 2 && n.input(2);
    ir::Value* zp = nullptr;
    DataType zt = DataType::kUInt8;
    if (has_zp) {
      zt = b.in_facts(2).dtype;
      FERRY_ASSIGN_OR_RETURN(zp, b.Input(2));
      zp = EmitCast(b, zp, zt, f, p + "/zero_point_float");
      FERRY_ASSIGN_OR_RETURN(zp, along_axis(2, zp, f));
    }
    if (q_ == Q::kDequantize) {
      const DataType xt = b.in_facts(0).dtype;
      ir::Value* xf = EmitCast(b, x, xt, f, p + "/float");
      if (zp) xf = EmitT(b, "Sub", {xf, zp}, f, p + "/centered");
      b.SetOutput(0, EmitT(b, "Mul", {xf, scale}, f, b.OutName(0)));
      return Status::Ok();
    }
    if (b.in_facts(0).dtype != f) return b.Error("input 0 must be float32");
    if (zt != DataType::kUInt8 && zt != DataType::kInt8)
      return b.Error(std::string("zero point dtype ") + DataTypeName(zt) + " does not convert");
    b.SetOutput(0, Quantize(b, x, scale, zp, zt, b.OutName(0)));
    return Status::Ok();
  }

 private:
  static ir::Value* Quantize(TfBuilder& b, ir::Value* x, ir::Value* scale, ir::Value* zp_float,
                             DataType to, const std::string& out) {
    const DataType f = DataType::kFloat32;
    const std::string p = b.node().name() + "/quantize";
    ir::Value* q = EmitT(b, "Round", {EmitT(b, "RealDiv", {x, scale}, f, p + "/scaled")}, f,
                         p + "/rounded");
    if (zp_float) q = EmitT(b, "AddV2", {q, zp_float}, f, p + "/shifted");
    const bool u8 = to == DataType::kUInt8;
    q = EmitT(b, "ClipByValue",
              {q, b.Const(Tensor::Scalar<float>(u8 ? 0.f : -128.f), p + "/lo"),
               b.Const(Tensor::Scalar<float>(u8 ? 255.f : 127.f), p + "/hi")},
              f, p + "/saturated");
    return EmitCast(b, q, f, to, out);
  }

  Status ConvertDynamic(const ir::Node& n, TfBuilder& b, ir::Value* x, int r) const {
    const DataType f = DataType::kFloat32;
    if (b.in_facts(0).dtype != f) return b.Error("input 0 must be float32");
    const std::string& p = n.name();
    std::vector<int64_t> all(r);
    for (int i = 0; i < r; ++i) all[i] = i;
    auto reduce = [&](const std::string& op, const std::string& name) {
      return b.Emit(op, {x, b.ConstInt32(all, name + "/axes")},
                    {{"T", TypeAttr(f)},
                     {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                     {"keep_dims", ir::Attribute::Bool(false)}},
                    f, name)
          ->output(0);
    };
    ir::Value* zero = b.Const(Tensor::Scalar<float>(0.f), p + "/zero");
    ir::Value* hi = EmitT(b, "Maximum", {reduce("Max", p + "/max"), zero}, f, p + "/max0");
    ir::Value* lo = EmitT(b, "Minimum", {reduce("Min", p + "/min"), zero}, f, p + "/min0");
    ir::Value* scale =
        EmitT(b, "RealDiv",
              {EmitT(b, "Sub", {hi, lo}, f, p + "/range"),
               b.Const(Tensor::Scalar<float>(255.f), p + "/levels")},
              f, b.OutName(1));
    ir::Value* zp = EmitT(
        b, "ClipByValue",
        {EmitT(b, "Round", {EmitT(b, "RealDiv", {EmitT(b, "Neg", {lo}, f, p + "/neg_min"), scale},
                                  f, p + "/zero_scaled")},
               f, p + "/zero_rounded"),
         zero, b.Const(Tensor::Scalar<float>(255.f), p + "/max_level")},
        f, p + "/zero_point_float");
    b.SetOutput(1, scale);
    b.SetOutput(2, EmitCast(b, zp, f, DataType::kUInt8, b.OutName(2)));
    b.SetOutput(0, Quantize(b, x, scale, zp, DataType::kUInt8, b.OutName(0)));
    return Status::Ok();
  }

  Q q_;
};

}  // namespace

void RegisterQuantizeLinear(ConverterTable& t) {
  t.Add(std::make_unique<QuantizeToTf>("QuantizeLinear", 10, Q::kQuantize));
  t.Add(std::make_unique<QuantizeToTf>("QuantizeLinear", 13, Q::kQuantize));
  t.Add(std::make_unique<QuantizeToTf>("DequantizeLinear", 10, Q::kDequantize));
  t.Add(std::make_unique<QuantizeToTf>("DequantizeLinear", 13, Q::kDequantize));
  t.Add(std::make_unique<QuantizeToTf>("DynamicQuantizeLinear", 11, Q::kDynamic));
}

}  // namespace ferry::convert::onnx_to_tf::ops
