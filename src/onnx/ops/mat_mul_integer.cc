// ONNX MatMulInteger (10): int32 Y = (A - a_zero_point) @ (B - b_zero_point), numpy batch
// broadcasting; a_zero_point is one value or one per row of A, b_zero_point one value or one
// per column of B (onnx Operators.md).
#include "onnx/ops/quantized.h"

namespace ferry::onnx::ops {
namespace {

class MatMulInteger final : public Op {
 public:
  explicit MatMulInteger(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 1));
    for (int i : {0, 1}) FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kInt8, DataType::kUInt8}));
    if (a->rank() < 2 || b->rank() < 2) return ctx.Error("inputs must have rank >= 2");
    FERRY_ASSIGN_OR_RETURN(auto a_zp, PerRow(ctx, ctx.input(2), a->dim(a->rank() - 2), 0,
                                             "a_zero_point"));
    FERRY_ASSIGN_OR_RETURN(auto b_zp, PerRow(ctx, ctx.input(3), b->dim(b->rank() - 1), 0,
                                             "b_zero_point"));
    FERRY_ASSIGN_OR_RETURN(Tensor y, IntegerMatMul(ctx, *a, a_zp, *b, b_zp));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMatMulInteger(OpSet& s) { s.Add<MatMulInteger>("MatMulInteger", 10); }

}  // namespace ferry::onnx::ops
