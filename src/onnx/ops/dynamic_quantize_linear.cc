// ONNX DynamicQuantizeLinear (11): uint8 quantisation of float x with scale and zero point
// from the data range extended to include 0: scale = (max - min) / 255, zero_point =
// saturate(round(-min / scale)), y = saturate(round(x / scale) + zero_point), rounding half
// to even. Outputs y, y_scale (scalar), y_zero_point (scalar).
#include <algorithm>
#include <cmath>

#include "kernels/small_ops.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class DynamicQuantizeLinear final : public Op {
 public:
  explicit DynamicQuantizeLinear(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    const float* xp = x->data<float>();
    float lo = 0.0f, hi = 0.0f;
    for (int64_t i = 0; i < x->NumElements(); ++i) {
      lo = std::min(lo, xp[i]);
      hi = std::max(hi, xp[i]);
    }
    const float scale = (hi - lo) / 255.0f;
    const float zpf = scale == 0.0f ? 0.0f : std::nearbyint(-lo / scale);
    const uint8_t zp = static_cast<uint8_t>(std::clamp(zpf, 0.0f, 255.0f));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kUInt8, x->shape()));
    FERRY_ASSIGN_OR_RETURN(Tensor * ys, ctx.Output(1, DataType::kFloat32, Shape{}));
    FERRY_ASSIGN_OR_RETURN(Tensor * yz, ctx.Output(2, DataType::kUInt8, Shape{}));
    ys->data<float>()[0] = scale;
    yz->data<uint8_t>()[0] = zp;
    if (scale == 0.0f) {
      std::fill_n(y->data<uint8_t>(), x->NumElements(), zp);
      return Status::Ok();
    }
    kernels::QuantizeLinear<uint8_t>(xp, 1, 1, x->NumElements(), &scale, &zp, y->data<uint8_t>());
    return Status::Ok();
  }
};

}  // namespace

void RegisterDynamicQuantizeLinear(OpSet& s) {
  s.Add<DynamicQuantizeLinear>("DynamicQuantizeLinear", 11);
}

}  // namespace ferry::onnx::ops
