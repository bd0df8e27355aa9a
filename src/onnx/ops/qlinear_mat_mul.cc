// ONNX QLinearMatMul (10): Y = quantize((A - a_zp) @ (B - b_zp) * a_scale * b_scale / y_scale)
// + y_zp, rounded half to even and saturated to y_zero_point's type (onnx Operators.md). The
// A-side scale/zero point may be per row, the B side per column.
#include "onnx/ops/quantized.h"

namespace ferry::onnx::ops {
namespace {

class QLinearMatMul final : public Op {
 public:
  explicit QLinearMatMul(const NodeInfo& info) {
    if (info.num_inputs() != 8) init_status_ = info.Error("expects 8 inputs");
  }

  Status Run(OpContext& ctx) const override {
    for (int i = 0; i < 8; ++i) FERRY_RETURN_IF_ERROR(RequiredInput(ctx, i).status());
    const Tensor& a = *ctx.input(0);
    const Tensor& b = *ctx.input(3);
    for (int i : {0, 3}) FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kInt8, DataType::kUInt8}));
    if (a.rank() < 2 || b.rank() < 2) return ctx.Error("inputs must have rank >= 2");
    const int64_t m = a.dim(a.rank() - 2), n = b.dim(b.rank() - 1);
    FERRY_ASSIGN_OR_RETURN(auto a_scale, PerRow(ctx, ctx.input(1), m, 1, "a_scale"));
    FERRY_ASSIGN_OR_RETURN(auto a_zp, PerRow(ctx, ctx.input(2), m, 0, "a_zero_point"));
    FERRY_ASSIGN_OR_RETURN(auto b_scale, PerRow(ctx, ctx.input(4), n, 1, "b_scale"));
    FERRY_ASSIGN_OR_RETURN(auto b_zp, PerRow(ctx, ctx.input(5), n, 0, "b_zero_point"));
    const double y_scale = ctx.input(6)->GetAsDouble(0);
    const double y_zp = ctx.input(7)->GetAsDouble(0);
    if (a_scale != std::vector<double>(m, a_scale[0]))
      return Unimplemented(ctx.node().Describe() + ": per-row a_scale");
    FERRY_ASSIGN_OR_RETURN(Tensor acc, IntegerMatMul(ctx, a, a_zp, b, b_zp));
    // The multiplier per output column (b_scale may be per column).
    std::vector<double> scale(n);
    for (int64_t c = 0; c < n; ++c)
      scale[c] = static_cast<float>(static_cast<float>(a_scale[0]) * static_cast<float>(b_scale[c])) /
                 static_cast<float>(y_scale);
    FERRY_ASSIGN_OR_RETURN(Tensor y, Requantize(ctx, acc, acc.rank() - 1, scale, y_zp,
                                                ctx.input(7)->dtype()));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }
};

}  // namespace

void RegisterQLinearMatMul(OpSet& s) { s.Add<QLinearMatMul>("QLinearMatMul", 10); }

}  // namespace ferry::onnx::ops
