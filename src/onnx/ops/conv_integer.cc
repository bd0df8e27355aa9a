// ONNX ConvInteger (10): int32 Y = conv(X - x_zero_point, W - w_zero_point) with Conv's
// attributes; w_zero_point is one value or one per output channel (onnx Operators.md).
#include "onnx/ops/quantized.h"

namespace ferry::onnx::ops {
namespace {

class ConvInteger final : public Op {
 public:
  explicit ConvInteger(const NodeInfo& info) : group_(info.node().GetInt("group", 1)) {
    auto attrs = SpatialAttrs::Read(info, /*kernel_required=*/false);
    if (!attrs.ok()) {
      init_status_ = attrs.status();
    } else {
      attrs_ = *attrs;
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* w, RequiredInput(ctx, 1));
    for (int i : {0, 1}) FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kInt8, DataType::kUInt8}));
    const double x_zp = ctx.has_input(2) ? ctx.input(2)->GetAsDouble(0) : 0.0;
    FERRY_ASSIGN_OR_RETURN(auto w_zp, PerRow(ctx, ctx.input(3), w->dim(0), 0, "w_zero_point"));
    FERRY_ASSIGN_OR_RETURN(Tensor y, IntegerConv(ctx, attrs_, group_, *x, x_zp, *w, w_zp));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }

 private:
  SpatialAttrs attrs_;
  int64_t group_;
};

}  // namespace

void RegisterConvInteger(OpSet& s) { s.Add<ConvInteger>("ConvInteger", 10); }

}  // namespace ferry::onnx::ops
