// Upsampling (F.interpolate, nn.Upsample) -> Resize-13. nearest: torch picks source index
// floor(dst / scale), ONNX's "asymmetric" transform with nearest_mode "floor".
// bilinear: align_corners=False is "pytorch_half_pixel", True is "align_corners".
// Overloads: upsample_*2d.vec(input, output_size?, [align_corners,] scale_factors?) (traced
// F.interpolate) and upsample_*2d(input, output_size, [align_corners,] scales...) (sizes).
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

Status Upsample(Ctx& ctx, const std::string& mode, bool has_align) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  std::map<std::string, ir::Attribute> attrs = {{"mode", ir::Attribute::String(mode)}};
  if (mode == "nearest") {
    attrs["coordinate_transformation_mode"] = ir::Attribute::String("asymmetric");
    attrs["nearest_mode"] = ir::Attribute::String("floor");
  } else {
    const bool align = ctx.Bool(2).value_or(false);
    attrs["coordinate_transformation_mode"] =
        ir::Attribute::String(align ? "align_corners" : "pytorch_half_pixel");
  }
  const int scales_index = has_align ? 3 : 2;
  const bool vec =
      ctx.num_inputs() == scales_index + 1 && ctx.in_value(scales_index).kind != AtenKind::kFloat;
  ir::Value* empty = ctx.Const(Tensor::Zeros(DataType::kFloat32, Shape({0})), "roi");
  if (vec && !ctx.IsNone(scales_index)) {
    std::optional<std::vector<double>> s = ctx.Floats(scales_index);
    if (!s) return ctx.Error("scale_factors must be a constant list");
    std::vector<float> scales(2, 1.0f);
    for (double v : *s) scales.push_back(static_cast<float>(v));
    if (static_cast<int>(scales.size()) != rank)
      return ctx.Error("scale count does not match rank");
    ir::Value* sv = ctx.Const(Tensor::FromVector<float>(scales, Shape({rank})), "scales");
    ctx.SetOutput(0,
                  ctx.Op("Resize", {x, empty, sv}, std::move(attrs), DataType::kUndefined, rank));
    return Status::Ok();
  }
  if (ctx.IsNone(1)) return ctx.Error("neither output_size nor scale_factors is given");
  FERRY_ASSIGN_OR_RETURN(ir::Value * out_size, ctx.In(1));
  ir::Value* shape = ctx.Op("Shape", {x}, {}, DataType::kInt64, 1);
  ir::Value* nc =
      ctx.Op("Slice", {shape, ctx.ConstInts({0}), ctx.ConstInts({2}), ctx.ConstInts({0})}, {},
             DataType::kInt64, 1);
  ir::Value* sizes = ctx.Op("Concat", {nc, ctx.Cast(out_size, DataType::kInt64)},
                            {{"axis", ir::Attribute::Int(0)}}, DataType::kInt64, 1);
  ctx.SetOutput(
      0, ctx.Op("Resize", {x, empty, empty, sizes}, std::move(attrs), DataType::kUndefined, rank));
  return Status::Ok();
}

Status Nearest(Ctx& ctx) { return Upsample(ctx, "nearest", false); }
Status Linear(Ctx& ctx) { return Upsample(ctx, "linear", true); }

}  // namespace

void RegisterUpsampleOps(OpTable& t) {
  t.Add("aten::upsample_nearest1d", Nearest);
  t.Add("aten::upsample_nearest2d", Nearest);
  t.Add("aten::upsample_nearest3d", Nearest);
  t.Add("aten::upsample_linear1d", Linear);
  t.Add("aten::upsample_bilinear2d", Linear);
}

}  // namespace ferry::convert::torch_to_onnx
