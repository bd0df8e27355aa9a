// New tensors: zeros/ones/full (and their _like forms), arange, scalar_tensor. A constant
// size folds into an initializer; a dynamic one (traced from x.size()) becomes
// ConstantOfShape, so the batch stays dynamic.
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

Tensor Filled(DataType dt, const Shape& shape, double v) {
  Tensor t = Tensor::Zeros(dt, shape);
  const int64_t n = t.NumElements();
  switch (dt) {
    case DataType::kFloat64:
      for (int64_t i = 0; i < n; ++i) t.data<double>()[i] = v;
      break;
    case DataType::kInt64:
      for (int64_t i = 0; i < n; ++i) t.data<int64_t>()[i] = static_cast<int64_t>(v);
      break;
    case DataType::kInt32:
      for (int64_t i = 0; i < n; ++i) t.data<int32_t>()[i] = static_cast<int32_t>(v);
      break;
    case DataType::kBool:
      for (int64_t i = 0; i < n; ++i) t.data<bool>()[i] = v != 0;
      break;
    default:
      for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = static_cast<float>(v);
      break;
  }
  return t;
}

// The dtype argument at `i` (a torch ScalarType code or None: `fallback`).
StatusOr<DataType> DtypeArg(Ctx& ctx, int i, DataType fallback) {
  if (i >= ctx.num_inputs() || ctx.IsNone(i)) return fallback;
  auto code = ctx.Int(i);
  if (!code) return ctx.Error("dtype (input " + std::to_string(i) + ") must be a constant");
  auto dt = DataTypeFromTorchCode(*code);
  if (!dt) return ctx.Error("dtype code " + std::to_string(*code) + " is not supported");
  return *dt;
}

Status EmitFilled(Ctx& ctx, int size_index, double value, DataType dt) {
  if (auto sizes = ctx.Ints(size_index)) {
    ctx.SetOutput(0, ctx.Const(Filled(dt, Shape(*sizes), value), "filled"));
    return Status::Ok();
  }
  FERRY_ASSIGN_OR_RETURN(ir::Value * shape, ctx.In(size_index));
  int rank = -1;
  if (auto e = ctx.ListElements(size_index)) rank = static_cast<int>(e->size());
  ir::Value* out =
      ctx.Op("ConstantOfShape", {ctx.Cast(shape, DataType::kInt64)},
             {{"value", ir::Attribute::FromTensor(Filled(dt, Shape({1}), value))}}, dt, rank);
  ctx.SetOutput(0, out);
  return Status::Ok();
}

// zeros(size, dtype, layout, device, pin_memory) / ones(...)
Status Zeros(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(DataType dt, DtypeArg(ctx, 1, DataType::kFloat32));
  return EmitFilled(ctx, 0, 0.0, dt);
}
Status Ones(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(DataType dt, DtypeArg(ctx, 1, DataType::kFloat32));
  return EmitFilled(ctx, 0, 1.0, dt);
}
// full(size, fill_value, dtype, ...): without a dtype an int fill makes int64 (torch >= 1.8).
Status Full(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(double v, ctx.RequireFloat(1, "fill_value"));
  const DataType def =
      ctx.in_value(1).kind == AtenKind::kInt ? DataType::kInt64 : DataType::kFloat32;
  FERRY_ASSIGN_OR_RETURN(DataType dt, DtypeArg(ctx, 2, def));
  return EmitFilled(ctx, 0, v, dt);
}

// zeros_like(self, dtype, ...) and friends: the shape of self.
Status Like(Ctx& ctx, double value, int dtype_index) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  DataType self_dt = ctx.DtypeOf(x) == DataType::kUndefined ? DataType::kFloat32 : ctx.DtypeOf(x);
  FERRY_ASSIGN_OR_RETURN(DataType dt, DtypeArg(ctx, dtype_index, self_dt));
  ir::Value* shape = ctx.Op("Shape", {x}, {}, DataType::kInt64, 1);
  ctx.SetOutput(0, ctx.Op("ConstantOfShape", {shape},
                          {{"value", ir::Attribute::FromTensor(Filled(dt, Shape({1}), value))}}, dt,
                          ctx.RankOf(x)));
  return Status::Ok();
}
Status ZerosLike(Ctx& ctx) { return Like(ctx, 0.0, 1); }
Status OnesLike(Ctx& ctx) { return Like(ctx, 1.0, 1); }
Status FullLike(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(double v, ctx.RequireFloat(1, "fill_value"));
  return Like(ctx, v, 2);
}

// arange(end, dtype, ...) / arange(start, end, dtype, ...) / arange(start, end, step, dtype, ...)
Status Arange(Ctx& ctx) {
  // The overloads differ in how many numbers lead; dtype, layout, device, pin_memory follow.
  int numbers = ctx.num_inputs() - 4;
  if (numbers < 1 || numbers > 3) return ctx.Error("unexpected arange overload");
  bool any_float = false;
  for (int i = 0; i < numbers; ++i) any_float |= ctx.in_value(i).kind == AtenKind::kFloat;
  FERRY_ASSIGN_OR_RETURN(DataType dt,
                         DtypeArg(ctx, numbers, any_float ? DataType::kFloat32 : DataType::kInt64));
  ir::Value* start = ctx.ConstScalar(0, dt);
  ir::Value* step = ctx.ConstScalar(1, dt);
  ir::Value* end;
  if (numbers == 1) {
    FERRY_ASSIGN_OR_RETURN(end, ctx.InAs(0, dt));
  } else {
    FERRY_ASSIGN_OR_RETURN(start, ctx.InAs(0, dt));
    FERRY_ASSIGN_OR_RETURN(end, ctx.InAs(1, dt));
    if (numbers == 3) {
      FERRY_ASSIGN_OR_RETURN(step, ctx.InAs(2, dt));
    }
  }
  ctx.SetOutput(0, ctx.Op("Range", {start, end, step}, {}, dt, 1));
  return Status::Ok();
}

}  // namespace

void RegisterTensorCreationOps(OpTable& t) {
  t.Add("aten::zeros", Zeros);
  t.Add("aten::ones", Ones);
  t.Add("aten::full", Full);
  t.Add("aten::zeros_like", ZerosLike);
  t.Add("aten::ones_like", OnesLike);
  t.Add("aten::full_like", FullLike);
  t.Add("aten::arange", Arange);
}

}  // namespace ferry::convert::torch_to_onnx
