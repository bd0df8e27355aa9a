// Elementwise arithmetic, comparisons, where/masked_fill, clamp and casts. Operands follow
// torch's promotion (simplified): a Python number or 0-d tensor takes the other operand's
// dtype unless it would turn a float into an int; two ints divided are floats.
#include <cmath>

#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

bool IsScalarOperand(Ctx& ctx, int i) {
  const AtenValue& v = ctx.in_value(i);
  return v.kind != AtenKind::kTensor || (v.sizes && v.sizes->empty());
}

// The dtype two operands are computed in.
DataType ResultType(Ctx& ctx, int a, int b) {
  DataType da = InputDtype(ctx, a), db = InputDtype(ctx, b);
  const bool sa = IsScalarOperand(ctx, a), sb = IsScalarOperand(ctx, b);
  if (sa != sb) {
    DataType tensor = sa ? db : da, scalar = sa ? da : db;
    if (tensor == DataType::kUndefined) return scalar == DataType::kInt64 ? tensor : tensor;
    if (!IsFloatType(tensor) && IsFloatType(scalar)) return DataType::kFloat32;
    return tensor;
  }
  if (da == DataType::kUndefined) return db;
  if (db == DataType::kUndefined) return da;
  return PromoteTypes(da, db);
}

Status Binary(Ctx& ctx, const std::string& op, bool has_alpha, bool reverse = false) {
  DataType dt = ResultType(ctx, 0, 1);
  FERRY_ASSIGN_OR_RETURN(ir::Value* a, ctx.InAs(0, dt));
  FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.InAs(1, dt));
  if (has_alpha && ctx.num_inputs() > 2 && !ctx.IsNone(2)) {
    FERRY_ASSIGN_OR_RETURN(double alpha, ctx.RequireFloat(2, "alpha"));
    if (alpha != 1.0) b = ctx.Op("Mul", {b, ctx.ConstScalar(alpha, dt)}, {}, dt);
  }
  if (reverse) std::swap(a, b);
  ctx.SetOutput(0, ctx.Op(op, {a, b}, {}, dt));
  return Status::Ok();
}

Status Add(Ctx& ctx) { return Binary(ctx, "Add", true); }
Status Sub(Ctx& ctx) { return Binary(ctx, "Sub", true); }
Status Mul(Ctx& ctx) { return Binary(ctx, "Mul", false); }
Status Pow(Ctx& ctx) { return Binary(ctx, "Pow", false); }
Status Maximum(Ctx& ctx) { return Binary(ctx, "Max", false); }
Status Minimum(Ctx& ctx) { return Binary(ctx, "Min", false); }
Status FloorDivInt(Ctx& ctx) { return Binary(ctx, "Div", false); }  // sizes: non-negative

// rsub(self, other, alpha) = other - alpha * self.
Status Rsub(Ctx& ctx) {
  DataType dt = ResultType(ctx, 0, 1);
  FERRY_ASSIGN_OR_RETURN(ir::Value* a, ctx.InAs(0, dt));
  FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.InAs(1, dt));
  if (ctx.num_inputs() > 2) {
    FERRY_ASSIGN_OR_RETURN(double alpha, ctx.RequireFloat(2, "alpha"));
    if (alpha != 1.0) a = ctx.Op("Mul", {a, ctx.ConstScalar(alpha, dt)}, {}, dt);
  }
  ctx.SetOutput(0, ctx.Op("Sub", {b, a}, {}, dt));
  return Status::Ok();
}

// div(self, other, rounding_mode=None): true division (ints become float32); "floor" and
// "trunc" round the quotient.
Status Div(Ctx& ctx) {
  std::string mode;
  if (ctx.num_inputs() > 2) mode = ctx.Str(2).value_or("");
  DataType dt = ResultType(ctx, 0, 1);
  if (mode.empty() && !IsFloatType(dt) && dt != DataType::kUndefined) dt = DataType::kFloat32;
  FERRY_ASSIGN_OR_RETURN(ir::Value* a, ctx.InAs(0, dt));
  FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.InAs(1, dt));
  ir::Value* q = ctx.Op("Div", {a, b}, {}, dt);
  if (mode == "floor" && IsFloatType(dt)) q = ctx.Op("Floor", {q});
  // ONNX's integer Div truncates, which is "trunc"; "floor" of sizes (non-negative) too.
  ctx.SetOutput(0, q);
  return Status::Ok();
}

Status Compare(Ctx& ctx, const std::string& op, bool negate = false) {
  DataType dt = ResultType(ctx, 0, 1);
  FERRY_ASSIGN_OR_RETURN(ir::Value* a, ctx.InAs(0, dt));
  FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.InAs(1, dt));
  ir::Value* r = ctx.Op(op, {a, b}, {}, DataType::kBool);
  if (negate) r = ctx.Op("Not", {r}, {}, DataType::kBool);
  ctx.SetOutput(0, r);
  return Status::Ok();
}
Status Eq(Ctx& ctx) { return Compare(ctx, "Equal"); }
Status Ne(Ctx& ctx) { return Compare(ctx, "Equal", true); }
Status Lt(Ctx& ctx) { return Compare(ctx, "Less"); }
Status Le(Ctx& ctx) { return Compare(ctx, "LessOrEqual"); }
Status Gt(Ctx& ctx) { return Compare(ctx, "Greater"); }
Status Ge(Ctx& ctx) { return Compare(ctx, "GreaterOrEqual"); }

Status Logical(Ctx& ctx, const std::string& op) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* a, ctx.InAs(0, DataType::kBool));
  FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.InAs(1, DataType::kBool));
  ctx.SetOutput(0, ctx.Op(op, {a, b}, {}, DataType::kBool));
  return Status::Ok();
}
Status And(Ctx& ctx) { return Logical(ctx, "And"); }
Status Or(Ctx& ctx) { return Logical(ctx, "Or"); }

Status Unary(Ctx& ctx, const std::string& op) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Op(op, {x}));
  return Status::Ok();
}
Status Neg(Ctx& ctx) { return Unary(ctx, "Neg"); }
Status Exp(Ctx& ctx) { return Unary(ctx, "Exp"); }
Status Log(Ctx& ctx) { return Unary(ctx, "Log"); }
Status Sqrt(Ctx& ctx) { return Unary(ctx, "Sqrt"); }
Status Abs(Ctx& ctx) { return Unary(ctx, "Abs"); }
Status Reciprocal(Ctx& ctx) { return Unary(ctx, "Reciprocal"); }
Status Erf(Ctx& ctx) { return Unary(ctx, "Erf"); }
Status Sin(Ctx& ctx) { return Unary(ctx, "Sin"); }
Status Cos(Ctx& ctx) { return Unary(ctx, "Cos"); }
Status Floor(Ctx& ctx) { return Unary(ctx, "Floor"); }
Status Ceil(Ctx& ctx) { return Unary(ctx, "Ceil"); }
Status Not(Ctx& ctx) { return Unary(ctx, "Not"); }

Status Rsqrt(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Op("Reciprocal", {ctx.Op("Sqrt", {x})}));
  return Status::Ok();
}

// clamp(self, min?, max?) -> Clip with optional bounds in self's dtype.
Status Clamp(Ctx& ctx, int min_index, int max_index) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  DataType dt = ctx.DtypeOf(x);
  if (dt == DataType::kUndefined) dt = DataType::kFloat32;
  std::vector<ir::Value*> ins = {x, nullptr, nullptr};
  if (min_index > 0 && !ctx.IsNone(min_index)) {
    FERRY_ASSIGN_OR_RETURN(ins[1], ctx.InAs(min_index, dt));
  }
  if (max_index > 0 && !ctx.IsNone(max_index)) {
    FERRY_ASSIGN_OR_RETURN(ins[2], ctx.InAs(max_index, dt));
  }
  while (!ins.empty() && ins.back() == nullptr) ins.pop_back();
  ctx.SetOutput(0, ctx.Op("Clip", ins, {}, dt));
  return Status::Ok();
}
Status ClampBoth(Ctx& ctx) { return Clamp(ctx, 1, 2); }
Status ClampMin(Ctx& ctx) { return Clamp(ctx, 1, -1); }
Status ClampMax(Ctx& ctx) { return Clamp(ctx, -1, 1); }

// where(condition, self, other)
Status Where(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* c, ctx.InAs(0, DataType::kBool));
  DataType dt = ResultType(ctx, 1, 2);
  FERRY_ASSIGN_OR_RETURN(ir::Value* a, ctx.InAs(1, dt));
  FERRY_ASSIGN_OR_RETURN(ir::Value* b, ctx.InAs(2, dt));
  ctx.SetOutput(0, ctx.Op("Where", {c, a, b}, {}, dt));
  return Status::Ok();
}

// masked_fill(self, mask, value) = where(mask, value, self).
Status MaskedFill(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  DataType dt = ctx.DtypeOf(x);
  FERRY_ASSIGN_OR_RETURN(ir::Value* m, ctx.InAs(1, DataType::kBool));
  FERRY_ASSIGN_OR_RETURN(ir::Value* v, ctx.InAs(2, dt));
  ctx.SetOutput(0, ctx.Op("Where", {m, v, x}, {}, dt));
  return Status::Ok();
}

// aten::to: to(self, dtype, ...), to(self, device, dtype, ...), to(self, other, ...).
Status To(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  if (ctx.num_inputs() > 1 && ctx.in_value(1).kind == AtenKind::kTensor) {
    DataType dt = InputDtype(ctx, 1);
    if (dt == DataType::kUndefined) return ctx.Error("the dtype of 'other' is unknown");
    ctx.SetOutput(0, ctx.Cast(x, dt));
    return Status::Ok();
  }
  for (int i = 1; i < std::min(ctx.num_inputs(), 3); ++i) {
    if (ctx.in_value(i).kind == AtenKind::kInt) {
      auto dt = DataTypeFromTorchCode(*ctx.Int(i));
      if (!dt) return ctx.Error("dtype code " + std::to_string(*ctx.Int(i)) + " not supported");
      ctx.SetOutput(0, ctx.Cast(x, *dt));
      return Status::Ok();
    }
  }
  ctx.SetOutput(0, x);  // a device move
  return Status::Ok();
}

Status TypeAs(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  DataType dt = InputDtype(ctx, 1);
  if (dt == DataType::kUndefined) return ctx.Error("the dtype of 'other' is unknown");
  ctx.SetOutput(0, ctx.Cast(x, dt));
  return Status::Ok();
}

}  // namespace

void RegisterElementwiseOps(OpTable& t) {
  t.Add("aten::add", Add);
  t.Add("aten::sub", Sub);
  t.Add("aten::rsub", Rsub);
  t.Add("aten::mul", Mul);
  t.Add("aten::div", Div);
  t.Add("aten::true_divide", Div);
  t.Add("aten::floordiv", FloorDivInt);
  t.Add("aten::floor_divide", FloorDivInt);
  t.Add("aten::pow", Pow);
  t.Add("aten::maximum", Maximum);
  t.Add("aten::minimum", Minimum);
  t.Add("aten::eq", Eq);
  t.Add("aten::ne", Ne);
  t.Add("aten::lt", Lt);
  t.Add("aten::le", Le);
  t.Add("aten::gt", Gt);
  t.Add("aten::ge", Ge);
  t.Add("aten::__and__", And);
  t.Add("aten::__or__", Or);
  t.Add("aten::logical_and", And);
  t.Add("aten::logical_or", Or);
  t.Add("aten::logical_not", Not);
  t.Add("aten::bitwise_not", Not);
  t.Add("aten::neg", Neg);
  t.Add("aten::exp", Exp);
  t.Add("aten::log", Log);
  t.Add("aten::sqrt", Sqrt);
  t.Add("aten::rsqrt", Rsqrt);
  t.Add("aten::abs", Abs);
  t.Add("aten::reciprocal", Reciprocal);
  t.Add("aten::erf", Erf);
  t.Add("aten::sin", Sin);
  t.Add("aten::cos", Cos);
  t.Add("aten::floor", Floor);
  t.Add("aten::ceil", Ceil);
  t.Add("aten::clamp", ClampBoth);
  t.Add("aten::clip", ClampBoth);
  t.Add("aten::clamp_min", ClampMin);
  t.Add("aten::clamp_max", ClampMax);
  t.Add("aten::where", Where);
  t.Add("aten::masked_fill", MaskedFill);
  t.Add("aten::to", To);
  t.Add("aten::type_as", TypeAs);
}

}  // namespace ferry::convert::torch_to_onnx
