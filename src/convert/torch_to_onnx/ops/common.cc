#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {

std::optional<DataType> DataTypeFromTorchCode(int64_t code) {
  switch (code) {
    case 0: return DataType::kUInt8;
    case 1: return DataType::kInt8;
    case 2: return DataType::kInt16;
    case 3: return DataType::kInt32;
    case 4: return DataType::kInt64;
    case 5: return DataType::kFloat16;
    case 6: return DataType::kFloat32;
    case 7: return DataType::kFloat64;
    case 11: return DataType::kBool;
    case 15: return DataType::kBFloat16;
    default: return std::nullopt;
  }
}

DataType InputDtype(Ctx& ctx, int i) {
  if (i >= ctx.num_inputs()) return DataType::kUndefined;
  const AtenValue& v = ctx.in_value(i);
  if (v.kind == AtenKind::kInt) return DataType::kInt64;
  if (v.kind == AtenKind::kFloat) return DataType::kFloat32;
  if (v.kind == AtenKind::kBool) return DataType::kBool;
  if (ctx.IsBound(ctx.node().inputs[i])) {
    auto x = ctx.ValueOf(ctx.node().inputs[i]);
    if (x.ok() && ctx.DtypeOf(*x) != DataType::kUndefined) return ctx.DtypeOf(*x);
  }
  return v.dtype;
}

Status MapIdentity(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, x);
  return Status::Ok();
}

}  // namespace ferry::convert::torch_to_onnx
