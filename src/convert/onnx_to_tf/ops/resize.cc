// ONNX Resize (10, 11, 13) and Upsample (7, 9) of a 4-D NCHW tensor over H and W -> TF
// ResizeBilinear / ResizeNearestNeighbor (NHWC) with the output size known at convert time.
// The coordinate transformation maps to TF's two flags (see src/tf/ops/resize.cc):
//   linear:  half_pixel (and pytorch_half_pixel with outputs > 1) -> half_pixel_centers,
//            align_corners -> align_corners, asymmetric -> neither;
//   nearest: asymmetric + floor -> neither; tf_half_pixel_for_nn + floor, or half_pixel +
//            round_prefer_ceil -> half_pixel_centers; align_corners + round_prefer_ceil ->
//            align_corners.
// Anything else (cubic, other nearest modes, scales on N or C, a scale that is not output /
// input exactly, tf_crop_and_resize) is an error naming the attribute.
// Scales or sizes known only at run time: the output H and W are computed in the graph (sizes:
// StridedSlice of sizes[2:4]; scales: Floor(Shape(x)[1:3] * scales[2:4])). TF's resize assumes
// scale = output / input, which the graph cannot check at convert time, so it makes a wrong
// case fail loudly instead of differing silently: a non-integral input * scale (every ONNX
// coordinate mode then differs from TF's), or a scale other than 1 on N or C, turns the size
// negative, which TF's resize ops reject; a sizes entry for N or C other than the input's
// makes a final Reshape to the requested NHWC shape fail.
#include <limits>
#include <cmath>

#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ResizeToTf final : public OpConverter {
 public:
  ResizeToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    if (op_type() == "Upsample") return {"mode", "scales"};
    return {"mode", "coordinate_transformation_mode", "nearest_mode", "cubic_coeff_a",
            "exclude_outside", "extrapolation_value"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() != 4) return Status::Ok();
    auto hw = OutHw(n, x, [&](int i) { return &ctx.in(i); });
    std::vector<ir::Dim> dims = *x.dims;
    if (hw.ok()) {
      dims[2] = ir::Dim::Known((*hw)[0]);
      dims[3] = ir::Dim::Known((*hw)[1]);
    } else {
      dims[2] = dims[3] = ir::Dim::Unknown();
    }
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    if (x.rank() != 4) return b.Error("input 0 must be 4-D NCHW to convert");
    if (x.dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    if (!b.nhwc()) return Internal(n.Describe() + ": planned outside NHWC");
    auto hw_or = OutHw(n, x, [&](int i) { return &b.in_facts(i); });
    const int dynamic = DynamicInput(n, [&](int i) { return &b.in_facts(i); });
    if (!hw_or.ok() && dynamic < 0) return hw_or.status();
    const std::vector<int64_t> hw = hw_or.ok() ? *hw_or : std::vector<int64_t>{-1, -1};
    auto s = [&](const char* k, const char* def) {
      const ir::Attribute* a = n.attr(k);
      return a && a->kind() == ir::AttrKind::kString ? a->s() : std::string(def);
    };
    const std::string mode = s("mode", "nearest");
    const bool upsample = op_type() == "Upsample" || since_opset() < 11;
    const std::string coord = upsample ? "asymmetric" : s("coordinate_transformation_mode", "half_pixel");
    const std::string nearest = upsample ? "floor" : s("nearest_mode", "round_prefer_floor");
    bool align = false, half = false;
    std::string tf_op;
    if (mode == "linear" || mode == "bilinear") {
      tf_op = "ResizeBilinear";
      if (coord == "pytorch_half_pixel" && hw[0] < 0)
        return b.Unsupported("coordinate_transformation_mode",
                             "'pytorch_half_pixel' needs the output size at convert time (it "
                             "differs from half_pixel for an output of 1)");
      if (coord == "half_pixel" || (coord == "pytorch_half_pixel" && hw[0] > 1 && hw[1] > 1))
        half = true;
      else if (coord == "align_corners")
        align = true;
      else if (coord != "asymmetric")
        return b.Unsupported("coordinate_transformation_mode", "'" + coord + "' has no TF form");
    } else if (mode == "nearest") {
      tf_op = "ResizeNearestNeighbor";
      if (coord == "asymmetric" && nearest == "floor") {
      } else if ((coord == "tf_half_pixel_for_nn" && nearest == "floor") ||
                 (coord == "half_pixel" && nearest == "round_prefer_ceil")) {
        half = true;
      } else if (coord == "align_corners" && nearest == "round_prefer_ceil") {
        align = true;
      } else {
        return b.Unsupported("nearest_mode", "'" + nearest + "' with coordinate_transformation_mode '" +
                                                 coord + "' has no TF form");
      }
    } else {
      return b.Unsupported("mode", "'" + mode + "' has no TF resize op");
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(0));
    const Attrs attrs = {{"T", TypeAttr(DataType::kFloat32)},
                         {"align_corners", ir::Attribute::Bool(align)},
                         {"half_pixel_centers", ir::Attribute::Bool(half)}};
    if (hw[0] >= 0) {
      b.SetOutput(0, b.Emit(tf_op, {v, b.ConstInt32(hw, n.name() + "/size")}, attrs,
                            DataType::kFloat32, b.OutName(0))
                         ->output(0));
      return Status::Ok();
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * operand, b.Input(dynamic));
    const bool sizes = dynamic == 3;
    // Every mode needs scale == output / input: even align_corners, whose ONNX form divides by
    // input * scale - 1, not by the floored output size - 1 (Resize-13 spec).
    FERRY_ASSIGN_OR_RETURN(ir::Value * size,
                           sizes ? SizeFromSizes(b, operand) : SizeFromScales(b, v, operand));
    ir::Value* y = b.Emit(tf_op, {v, size}, attrs, DataType::kFloat32, sizes ? "" : b.OutName(0))
                       ->output(0);
    if (sizes) {
      // Reshape to the requested [N, H, W, C]: fails at run time when sizes[0:2] != N, C.
      ir::Value* nhwc = b.Emit("GatherV2",
                               {CastTo(b, operand, DataType::kInt32),
                                b.ConstInt32({0, 2, 3, 1}, n.name() + "/nhwc"),
                                b.ConstInt32({0}, n.name() + "/axis", true)},
                               {{"Tparams", ir::Attribute::Type(DataType::kInt32)},
                                {"Tindices", ir::Attribute::Type(DataType::kInt32)},
                                {"Taxis", ir::Attribute::Type(DataType::kInt32)},
                                {"batch_dims", ir::Attribute::Int(0)}},
                               DataType::kInt32)
                            ->output(0);
      y = EmitT(b, "Reshape", {y, nhwc}, DataType::kFloat32,
                {{"Tshape", ir::Attribute::Type(DataType::kInt32)}}, b.OutName(0));
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }

 private:
  // The input (1 or 2: scales, 3: sizes) holding the output size when it is known only at run
  // time; -1 otherwise.
  template <typename FactsOf>
  int DynamicInput(const ir::Node& n, FactsOf facts_of) const {
    if (op_type() == "Upsample" && since_opset() < 9) return -1;
    auto runtime = [&](int i) {
      if (n.num_inputs() <= i || !n.input(i)) return false;
      const ValueFacts* f = facts_of(i);
      return f && !f->constant && f->rank() == 1 && f->dims->at(0) == ir::Dim::Known(4);
    };
    if (runtime(3)) return 3;
    const int scales_input = op_type() == "Upsample" || since_opset() < 11 ? 1 : 2;
    const bool has_sizes = n.num_inputs() > 3 && n.input(3);
    return !has_sizes && runtime(scales_input) ? scales_input : -1;
  }

  // int32 [2] H, W from run-time sizes [4].
  static StatusOr<ir::Value*> SizeFromSizes(TfBuilder& b, ir::Value* sizes) {
    const std::string p = b.node().name();
    return EmitStridedSlice(b, CastTo(b, sizes, DataType::kInt32), b.ConstInt32({2}, p + "/b"),
                            b.ConstInt32({4}, p + "/e"), b.ConstInt32({1}, p + "/s"),
                            DataType::kInt32);
  }

  // int32 [2] Floor(Shape(x)[1:3] * scales[2:4]) for NHWC x; negative (rejected by TF's
  // resize) when a scale on N or C is not 1 or a product is not integral.
  static StatusOr<ir::Value*> SizeFromScales(TfBuilder& b, ir::Value* x, ir::Value* scales) {
    const std::string p = b.node().name();
    auto range = [&](ir::Value* v, int64_t from, int64_t to) {
      return EmitStridedSlice(b, v, b.ConstInt32({from}, p + "/b"), b.ConstInt32({to}, p + "/e"),
                              b.ConstInt32({1}, p + "/s"), v->dtype());
    };
    scales = CastTo(b, scales, DataType::kFloat32);
    ir::Value* shape = b.Emit("Shape", {x},
                              {{"T", TypeAttr(DataType::kFloat32)},
                               {"out_type", ir::Attribute::Type(DataType::kInt32)}},
                              DataType::kInt32)
                           ->output(0);
    ir::Value* in_hw = CastTo(b, range(shape, 1, 3), DataType::kFloat32);
    ir::Value* prod = EmitT(b, "Mul", {in_hw, range(scales, 2, 4)}, DataType::kFloat32);
    ir::Value* floor = EmitT(b, "Floor", {prod}, DataType::kFloat32);
    // bad = Ceil(|scales[0:2] - 1|) summed + Ceil(prod - floor): 0 when fine.
    ir::Value* one = b.Const(Tensor::Scalar<float>(1.f), p + "/one");
    ir::Value* bad = SumAxisF(b, EmitT(b, "Ceil", {EmitT(b, "Abs", {EmitT(b, "Sub",
                                                  {range(scales, 0, 2), one}, DataType::kFloat32)},
                                                  DataType::kFloat32)}, DataType::kFloat32));
    bad = EmitT(b, "AddV2", {bad, EmitT(b, "Ceil", {EmitT(b, "Sub", {prod, floor},
                                                             DataType::kFloat32)},
                                          DataType::kFloat32)},
                  DataType::kFloat32);
    ir::Value* penalty = EmitT(b, "Mul", {bad, b.Const(Tensor::Scalar<float>(1e6f), p + "/big")},
                               DataType::kFloat32);
    return CastTo(b, EmitT(b, "Sub", {floor, penalty}, DataType::kFloat32), DataType::kInt32);
  }

  static ir::Value* SumAxisF(TfBuilder& b, ir::Value* v) {
    return EmitT(b, "Sum", {v, b.ConstInt32({0}, b.node().name() + "/axis0")}, DataType::kFloat32,
                 {{"Tidx", ir::Attribute::Type(DataType::kInt32)},
                  {"keep_dims", ir::Attribute::Bool(false)}});
  }

  // Output H and W from sizes, or from scales that are exactly output / input.
  template <typename FactsOf>
  StatusOr<std::vector<int64_t>> OutHw(const ir::Node& n, const ValueFacts& x, FactsOf facts_of) const {
    const std::vector<int64_t> d = x.StaticDims();
    if (d.size() != 4 || d[2] < 0 || d[3] < 0)
      return InvalidArgument(n.Describe() + ": the input's H and W must be known at convert time");
    std::vector<double> scales;
    if (op_type() == "Upsample" && since_opset() < 9) {
      for (float f : n.GetFloats("scales")) scales.push_back(f);
    } else {
      const int scales_input = op_type() == "Upsample" || since_opset() < 11 ? 1 : 2;
      if (n.num_inputs() > 3 && n.input(3)) {
        const ValueFacts* f = facts_of(3);
        if (!f || !f->constant || f->constant->NumElements() != 4)
          return InvalidArgument(n.Describe() + ": sizes (input 3) must be known at convert time");
        const std::vector<int64_t> sz = f->constant->ToInt64Vector();
        if (sz[0] != d[0] || sz[1] != d[1])
          return Unimplemented(n.Describe() + ": sizes resize N or C, which TF cannot");
        return std::vector<int64_t>{sz[2], sz[3]};
      }
      const ValueFacts* f = facts_of(scales_input);
      if (!f || !f->constant)
        return InvalidArgument(n.Describe() + ": scales must be known at convert time");
      for (int64_t i = 0; i < f->constant->NumElements(); ++i)
        scales.push_back(f->constant->GetAsDouble(i));
    }
    if (scales.size() != 4 || scales[0] != 1.0 || scales[1] != 1.0)
      return Unimplemented(n.Describe() + ": attribute 'scales' must be [1, 1, h, w]");
    std::vector<int64_t> hw;
    for (int i = 2; i < 4; ++i) {
      const int64_t o = static_cast<int64_t>(std::floor(d[i] * scales[i]));
      if (std::fabs(static_cast<double>(o) / d[i] - scales[i]) > 1e-6)
        return Unimplemented(n.Describe() + ": attribute 'scales' " + std::to_string(scales[i]) +
                             " is not output / input exactly, which TF's resize assumes");
      hw.push_back(o);
    }
    return hw;
  }
};

}  // namespace

void RegisterResize(ConverterTable& t) {
  t.Add(std::make_unique<ResizeToTf>("Resize", 10));
  t.Add(std::make_unique<ResizeToTf>("Resize", 11));
  t.Add(std::make_unique<ResizeToTf>("Upsample", 7));
  t.Add(std::make_unique<ResizeToTf>("Upsample", 9));
}

}  // namespace ferry::convert::onnx_to_tf::ops
