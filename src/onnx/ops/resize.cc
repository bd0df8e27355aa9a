// ONNX Resize (10, 11, 13) and Upsample (7, 9). Resize-11/13 take X, roi, scales, sizes
// (scales or sizes given, the other empty or absent) and the attributes mode
// (nearest/linear/cubic), coordinate_transformation_mode, nearest_mode, cubic_coeff_a,
// exclude_outside and extrapolation_value. Resize-10 and Upsample take X and scales (Upsample-7
// as an attribute) and behave as the asymmetric mode with floor for nearest (their specs'
// output is numpy-repeat-like: y[i] = x[floor(i / scale)]).
#include <cmath>
#include <string>

#include "kernels/resize.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

using kernels::NearestMode;
using kernels::ResizeCoord;
using kernels::ResizeMode;

class Resize final : public Op {
 public:
  Resize(const NodeInfo& info, bool upsample) {
    const ir::Node& n = info.node();
    legacy_ = upsample || info.opset() < 11;
    scales_input_ = upsample ? (info.opset() >= 9 ? 1 : -1) : (legacy_ ? 1 : 2);
    if (scales_input_ < 0) {
      for (float s : n.GetFloats("scales")) attr_scales_.push_back(s);
      if (attr_scales_.empty()) init_status_ = info.Error("attribute scales is required");
    }
    std::string mode = n.GetString("mode", "nearest");
    if (mode == "nearest") {
      p_.mode = ResizeMode::kNearest;
    } else if (mode == "linear" || mode == "bilinear") {
      p_.mode = ResizeMode::kLinear;
    } else if (mode == "cubic" && !legacy_) {
      p_.mode = ResizeMode::kCubic;
    } else {
      init_status_ = info.Error("mode '" + mode + "' is not supported");
    }
    if (legacy_) {
      p_.coord = ResizeCoord::kAsymmetric;
      p_.nearest = NearestMode::kFloor;
      return;
    }
    const std::string coord = n.GetString("coordinate_transformation_mode", "half_pixel");
    static const std::pair<const char*, ResizeCoord> kCoords[] = {
        {"half_pixel", ResizeCoord::kHalfPixel},
        {"pytorch_half_pixel", ResizeCoord::kPytorchHalfPixel},
        {"align_corners", ResizeCoord::kAlignCorners},
        {"asymmetric", ResizeCoord::kAsymmetric},
        {"tf_half_pixel_for_nn", ResizeCoord::kTfHalfPixelForNn},
        {"tf_crop_and_resize", ResizeCoord::kTfCropAndResize}};
    bool found = false;
    for (const auto& [name, c] : kCoords)
      if (coord == name) p_.coord = c, found = true;
    if (!found) init_status_ = info.Error("coordinate_transformation_mode '" + coord + "'");
    const std::string nearest = n.GetString("nearest_mode", "round_prefer_floor");
    static const std::pair<const char*, NearestMode> kNearest[] = {
        {"round_prefer_floor", NearestMode::kRoundPreferFloor},
        {"round_prefer_ceil", NearestMode::kRoundPreferCeil},
        {"floor", NearestMode::kFloor},
        {"ceil", NearestMode::kCeil}};
    found = false;
    for (const auto& [name, m] : kNearest)
      if (nearest == name) p_.nearest = m, found = true;
    if (!found) init_status_ = info.Error("nearest_mode '" + nearest + "'");
    p_.cubic_a = n.GetFloat("cubic_coeff_a", -0.75f);
    p_.exclude_outside = n.GetInt("exclude_outside", 0) != 0;
    p_.extrapolation_value = n.GetFloat("extrapolation_value", 0.0f);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int r = x->rank();
    kernels::ResizeParams p = p_;
    std::vector<int64_t> out(r);
    std::vector<double> scales = attr_scales_;
    if (scales_input_ >= 0) {
      const Tensor* s = ctx.input(scales_input_);
      if (s && s->NumElements() > 0) {
        FERRY_RETURN_IF_ERROR(CheckDtype(ctx, scales_input_, {DataType::kFloat32}));
        scales.assign(s->data<float>(), s->data<float>() + s->NumElements());
      }
    }
    const Tensor* sizes = legacy_ ? nullptr : ctx.input(3);
    if (sizes && sizes->NumElements() > 0) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> sz, IntValues(ctx, 3));
      if (static_cast<int>(sz.size()) != r)
        return ctx.Error("input 3 (sizes) has " + std::to_string(sz.size()) +
                         " values, expected " + std::to_string(r));
      scales.resize(r);
      for (int d = 0; d < r; ++d) {
        if (sz[d] < 0) return ctx.Error("input 3 (sizes) is negative");
        out[d] = sz[d];
        scales[d] = x->dim(d) ? static_cast<double>(sz[d]) / x->dim(d) : 1.0;
      }
    } else {
      if (static_cast<int>(scales.size()) != r)
        return ctx.Error("scales has " + std::to_string(scales.size()) + " values, expected " +
                         std::to_string(r));
      for (int d = 0; d < r; ++d) {
        if (!(scales[d] > 0.0)) return ctx.Error("scales must be positive");
        out[d] = static_cast<int64_t>(std::floor(x->dim(d) * scales[d]));
      }
    }
    p.scales = scales;
    if (p.coord == ResizeCoord::kTfCropAndResize) {
      const Tensor* roi = ctx.input(1);
      if (!roi || roi->NumElements() != 2 * r)
        return ctx.Error("tf_crop_and_resize needs input 1 (roi) with " + std::to_string(2 * r) +
                         " values");
      for (int64_t i = 0; i < roi->NumElements(); ++i) p.roi.push_back(roi->GetAsDouble(i));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    if (y->NumElements() == 0) return Status::Ok();
    if (x->NumElements() == 0) return ctx.Error("cannot resize an empty input to a non-empty one");
    auto run = [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Resize<T>(p, x->data<T>(), x->shape().dims(), out, y->data<T>());
      return Status::Ok();
    };
    switch (x->dtype()) {
      case DataType::kFloat32:
        return run(float{});
      case DataType::kFloat64:
        return run(double{});
      case DataType::kInt8:
        return run(int8_t{});
      case DataType::kUInt8:
        return run(uint8_t{});
      case DataType::kInt32:
        return run(int32_t{});
      case DataType::kInt64:
        return run(int64_t{});
      default:
        return Unimplemented(ctx.node().Describe() + ": dtype " + DataTypeName(x->dtype()) +
                             " is not supported");
    }
  }

 private:
  bool legacy_ = false;
  int scales_input_ = 2;  // -1: the scales attribute (Upsample-7)
  std::vector<double> attr_scales_;
  kernels::ResizeParams p_;
};

template <bool kUpsample>
std::unique_ptr<Op> Make(const NodeInfo& info) {
  return std::make_unique<Resize>(info, kUpsample);
}

}  // namespace

void RegisterResize(OpSet& s) {
  for (int v : {10, 11, 13}) s.AddFactory("", "Resize", v, Make<false>);
}
void RegisterUpsample(OpSet& s) {
  for (int v : {7, 9}) s.AddFactory("", "Upsample", v, Make<true>);
}

}  // namespace ferry::onnx::ops
