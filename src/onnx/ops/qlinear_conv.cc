// ONNX QLinearConv (10): Y = quantize((conv(X - x_zp, W - w_zp) + B) * x_scale * w_scale /
// y_scale) + y_zp, rounded half to even and saturated to y_zero_point's type; w_scale and
// w_zero_point may be per output channel, B is int32 (onnx Operators.md).
#include "onnx/ops/quantized.h"

namespace ferry::onnx::ops {
namespace {

class QLinearConv final : public Op {
 public:
  explicit QLinearConv(const NodeInfo& info) : group_(info.node().GetInt("group", 1)) {
    auto attrs = SpatialAttrs::Read(info, /*kernel_required=*/false);
    if (!attrs.ok()) {
      init_status_ = attrs.status();
    } else {
      attrs_ = *attrs;
    }
    if (info.num_inputs() < 8) init_status_ = info.Error("expects 8 or 9 inputs");
  }

  Status Run(OpContext& ctx) const override {
    for (int i = 0; i < 8; ++i) FERRY_RETURN_IF_ERROR(RequiredInput(ctx, i).status());
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(3);
    for (int i : {0, 3}) FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kInt8, DataType::kUInt8}));
    if (w.rank() < 1) return ctx.Error("W must have rank >= 1");
    const int64_t m = w.dim(0);
    const double x_scale = ctx.input(1)->GetAsDouble(0);
    const double x_zp = ctx.input(2)->GetAsDouble(0);
    FERRY_ASSIGN_OR_RETURN(auto w_scale, PerRow(ctx, ctx.input(4), m, 1, "w_scale"));
    FERRY_ASSIGN_OR_RETURN(auto w_zp, PerRow(ctx, ctx.input(5), m, 0, "w_zero_point"));
    const double y_scale = ctx.input(6)->GetAsDouble(0);
    const double y_zp = ctx.input(7)->GetAsDouble(0);
    FERRY_ASSIGN_OR_RETURN(Tensor acc, IntegerConv(ctx, attrs_, group_, x, x_zp, w, w_zp));
    if (const Tensor* bias = ctx.input(8)) {
      FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 8, {DataType::kInt32}));
      if (bias->NumElements() != m)
        return ctx.Error("B has " + std::to_string(bias->NumElements()) + " values for " +
                         std::to_string(m) + " output channels");
      int64_t inner = 1;
      for (int d = 2; d < acc.rank(); ++d) inner *= acc.dim(d);
      int32_t* a = acc.data<int32_t>();
      for (int64_t i = 0; i < acc.NumElements(); ++i) a[i] += bias->data<int32_t>()[(i / inner) % m];
    }
    std::vector<double> scale(m);
    for (int64_t c = 0; c < m; ++c)
      scale[c] = static_cast<float>(static_cast<float>(x_scale) * static_cast<float>(w_scale[c])) /
                 static_cast<float>(y_scale);
    FERRY_ASSIGN_OR_RETURN(Tensor y, Requantize(ctx, acc, 1, scale, y_zp, ctx.input(7)->dtype()));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }

 private:
  SpatialAttrs attrs_;
  int64_t group_;
};

}  // namespace

void RegisterQLinearConv(OpSet& s) { s.Add<QLinearConv>("QLinearConv", 10); }

}  // namespace ferry::onnx::ops
