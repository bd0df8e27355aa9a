#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {

ir::Value* EmitT(TfBuilder& b, const std::string& op, std::vector<ir::Value*> ins, DataType t,
                 Attrs attrs, const std::string& name) {
  attrs.insert(attrs.begin(), {"T", ir::Attribute::Type(t)});
  return b.Emit(op, std::move(ins), std::move(attrs), t, name)->output(0);
}

ir::Value* CastTo(TfBuilder& b, ir::Value* v, DataType to) {
  if (v->dtype() == to) return v;
  return b
      .Emit("Cast", {v},
            {{"SrcT", ir::Attribute::Type(v->dtype())},
             {"DstT", ir::Attribute::Type(to)},
             {"Truncate", ir::Attribute::Bool(false)}},
            to)
      ->output(0);
}

ir::Value* ReshapeTo(TfBuilder& b, ir::Value* v, const std::vector<int64_t>& dims) {
  return EmitT(b, "Reshape", {v, b.ConstInt32(dims, b.node().name() + "/shape")}, v->dtype(),
               {{"Tshape", ir::Attribute::Type(DataType::kInt32)}});
}

ir::Value* SumAxis(TfBuilder& b, ir::Value* v, int64_t axis) {
  return EmitT(b, "Sum", {v, b.ConstInt32({axis}, b.node().name() + "/sum_axis")}, v->dtype(),
               {{"Tidx", ir::Attribute::Type(DataType::kInt32)},
                {"keep_dims", ir::Attribute::Bool(false)}});
}

ir::Value* NormalizeAxes(TfBuilder& b, ir::Value* axes, int r) {
  const std::string p = b.node().name();
  axes = CastTo(b, axes, DataType::kInt32);
  ir::Value* a = EmitT(b, "FloorMod", {axes, b.ConstInt32({r}, p + "/rank", true)},
                       DataType::kInt32);
  if (b.channels_last(r)) {
    std::vector<int64_t> to_tf(r);
    for (int i = 0; i < r; ++i) to_tf[i] = NhwcAxis(i, r);
    a = b.Emit("GatherV2",
               {b.ConstInt32(to_tf, p + "/nhwc_axis"), a,
                b.ConstInt32({0}, p + "/gather_axis", true)},
               {{"Tparams", ir::Attribute::Type(DataType::kInt32)},
                {"Tindices", ir::Attribute::Type(DataType::kInt32)},
                {"Taxis", ir::Attribute::Type(DataType::kInt32)},
                {"batch_dims", ir::Attribute::Int(0)}},
               DataType::kInt32)
            ->output(0);
  }
  return a;
}

ir::Value* AxisMatch(TfBuilder& b, ir::Value* axes, int r) {
  std::vector<int64_t> range;
  for (int j = 0; j < r; ++j) range.push_back(j);
  ir::Value* col = b.Const(Tensor::FromVector<int32_t>(std::vector<int32_t>(range.begin(),
                                                                             range.end()),
                                                       Shape{r, 1}),
                           b.node().name() + "/dims");
  ir::Value* row = ReshapeTo(b, axes, {1, -1});
  ir::Value* eq = b.Emit("Equal", {col, row},
                         {{"T", ir::Attribute::Type(DataType::kInt32)},
                          {"incompatible_shape_error", ir::Attribute::Bool(true)}},
                         DataType::kBool)
                      ->output(0);
  return CastTo(b, eq, DataType::kInt32);
}

ir::Value* ScatterByAxis(TfBuilder& b, ir::Value* match, ir::Value* values, int64_t fill) {
  const std::string p = b.node().name();
  ir::Value* row = ReshapeTo(b, CastTo(b, values, DataType::kInt32), {1, -1});
  ir::Value* picked = SumAxis(b, EmitT(b, "Mul", {match, row}, DataType::kInt32), 1);
  if (fill == 0) return picked;
  // (1 - has) * fill, has = 1 where some axis names the dim.
  ir::Value* has = SumAxis(b, match, 1);
  ir::Value* missing = EmitT(b, "Sub", {b.ConstInt32({1}, p + "/one", true), has},
                             DataType::kInt32);
  ir::Value* filled =
      EmitT(b, "Mul", {missing, b.ConstInt32({fill}, p + "/fill", true)}, DataType::kInt32);
  return EmitT(b, "AddV2", {picked, filled}, DataType::kInt32);
}

ir::Value* ShapeOf(TfBuilder& b, ir::Value* v, DataType t) {
  return b
      .Emit("Shape", {v},
            {{"T", TypeAttr(t)}, {"out_type", ir::Attribute::Type(DataType::kInt32)}},
            DataType::kInt32)
      ->output(0);
}

ir::Value* SliceVector(TfBuilder& b, ir::Value* v, int64_t begin, int64_t end) {
  const std::string p = b.node().name();
  return EmitStridedSlice(b, v, b.ConstInt32({begin}, p + "/slice_begin"),
                          b.ConstInt32({end}, p + "/slice_end"),
                          b.ConstInt32({1}, p + "/slice_strides"), DataType::kInt32);
}

ir::Value* ConcatVectors(TfBuilder& b, std::vector<ir::Value*> parts) {
  if (parts.size() == 1) return parts[0];
  const int64_t n = static_cast<int64_t>(parts.size());
  parts.push_back(b.ConstInt32({0}, b.node().name() + "/concat_axis", true));
  return EmitT(b, "ConcatV2", std::move(parts), DataType::kInt32,
               {{"N", ir::Attribute::Int(n)}, {"Tidx", ir::Attribute::Type(DataType::kInt32)}});
}

}  // namespace ferry::convert::onnx_to_tf::ops
