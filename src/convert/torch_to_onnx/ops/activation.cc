// Activations and softmax. GELU has no ONNX op before opset 20: it is written out as
// 0.5 x (1 + erf(x / sqrt 2)) (approximate="none") or with tanh (approximate="tanh"),
// torch.nn.GELU's two definitions.
#include <cmath>

#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

Status Simple(Ctx& ctx, const std::string& op, std::map<std::string, ir::Attribute> attrs = {}) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Op(op, {x}, std::move(attrs)));
  return Status::Ok();
}

Status Relu(Ctx& ctx) { return Simple(ctx, "Relu"); }
Status Sigmoid(Ctx& ctx) { return Simple(ctx, "Sigmoid"); }
Status Tanh(Ctx& ctx) { return Simple(ctx, "Tanh"); }

// hardsigmoid: relu6(x + 3) / 6, ONNX HardSigmoid(alpha 1/6, beta 0.5).
Status Hardsigmoid(Ctx& ctx) {
  return Simple(ctx, "HardSigmoid",
                {{"alpha", ir::Attribute::Float(1.0f / 6)}, {"beta", ir::Attribute::Float(0.5f)}});
}

Status Hardswish(Ctx& ctx) {
  if (ctx.opset() >= 14) return Simple(ctx, "HardSwish");
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ir::Value* hs = ctx.Op("HardSigmoid", {x}, {{"alpha", ir::Attribute::Float(1.0f / 6)},
                                              {"beta", ir::Attribute::Float(0.5f)}});
  ctx.SetOutput(0, ctx.Op("Mul", {x, hs}));
  return Status::Ok();
}

Status Silu(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Op("Mul", {x, ctx.Op("Sigmoid", {x})}));
  return Status::Ok();
}

// hardtanh(x, min_val, max_val) (ReLU6 is hardtanh(0, 6)) -> Clip.
Status Hardtanh(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  DataType dt = ctx.DtypeOf(x) == DataType::kUndefined ? DataType::kFloat32 : ctx.DtypeOf(x);
  const double lo = ctx.num_inputs() > 1 ? ctx.Float(1).value_or(-1.0) : -1.0;
  const double hi = ctx.num_inputs() > 2 ? ctx.Float(2).value_or(1.0) : 1.0;
  ctx.SetOutput(0, ctx.Op("Clip", {x, ctx.ConstScalar(lo, dt), ctx.ConstScalar(hi, dt)}));
  return Status::Ok();
}

Status Relu6(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  DataType dt = ctx.DtypeOf(x) == DataType::kUndefined ? DataType::kFloat32 : ctx.DtypeOf(x);
  ctx.SetOutput(0, ctx.Op("Clip", {x, ctx.ConstScalar(0, dt), ctx.ConstScalar(6, dt)}));
  return Status::Ok();
}

Status LeakyRelu(Ctx& ctx) {
  const double slope = ctx.num_inputs() > 1 ? ctx.Float(1).value_or(0.01) : 0.01;
  return Simple(ctx, "LeakyRelu", {{"alpha", ir::Attribute::Float(static_cast<float>(slope))}});
}

Status Elu(Ctx& ctx) {
  const double alpha = ctx.num_inputs() > 1 ? ctx.Float(1).value_or(1.0) : 1.0;
  return Simple(ctx, "Elu", {{"alpha", ir::Attribute::Float(static_cast<float>(alpha))}});
}

// softplus(x, beta, threshold): ONNX Softplus is beta 1 without the linear threshold; the
// threshold (20) only avoids overflow, log(1 + exp(x)) is x there to float precision.
Status Softplus(Ctx& ctx) {
  const double beta = ctx.num_inputs() > 1 ? ctx.Float(1).value_or(1.0) : 1.0;
  if (beta != 1.0) return ctx.Error("beta " + std::to_string(beta) + " is not supported (only 1)");
  return Simple(ctx, "Softplus");
}

Status Gelu(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  DataType dt = ctx.DtypeOf(x) == DataType::kUndefined ? DataType::kFloat32 : ctx.DtypeOf(x);
  const std::string approx = ctx.num_inputs() > 1 ? ctx.Str(1).value_or("none") : "none";
  ir::Value* inner;
  if (approx == "tanh") {
    // tanh(sqrt(2/pi) * (x + 0.044715 x^3))
    ir::Value* x3 = ctx.Op("Mul", {x, ctx.Op("Mul", {x, x})});
    ir::Value* s = ctx.Op("Add", {x, ctx.Op("Mul", {x3, ctx.ConstScalar(0.044715, dt)})});
    inner = ctx.Op("Tanh", {ctx.Op("Mul", {s, ctx.ConstScalar(std::sqrt(2.0 / M_PI), dt)})});
  } else if (approx == "none") {
    inner = ctx.Op("Erf", {ctx.Op("Div", {x, ctx.ConstScalar(std::sqrt(2.0), dt)})});
  } else {
    return ctx.Error("approximate='" + approx + "' is not one of 'none', 'tanh'");
  }
  ir::Value* one_plus = ctx.Op("Add", {inner, ctx.ConstScalar(1.0, dt)});
  ctx.SetOutput(0, ctx.Op("Mul", {ctx.Op("Mul", {x, ctx.ConstScalar(0.5, dt)}), one_plus}));
  return Status::Ok();
}

// softmax(self, dim, dtype?) / log_softmax: opset 13's Softmax normalises along one axis,
// torch's semantics (before 13 the input was coerced to 2-D, hence the opset floor of 13).
Status SoftmaxLike(Ctx& ctx, const std::string& op) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  if (ctx.num_inputs() > 2 && !ctx.IsNone(2)) {
    auto dt = DataTypeFromTorchCode(ctx.Int(2).value_or(-1));
    if (!dt) return ctx.Error("dtype must be a constant dtype");
    x = ctx.Cast(x, *dt);
  }
  ctx.SetOutput(0, ctx.Op(op, {x}, {{"axis", ir::Attribute::Int(dim)}}));
  return Status::Ok();
}
Status Softmax(Ctx& ctx) { return SoftmaxLike(ctx, "Softmax"); }
Status LogSoftmax(Ctx& ctx) { return SoftmaxLike(ctx, "LogSoftmax"); }

// prelu(self, weight[C]): ONNX PRelu broadcasts the slope from the right, so [C] becomes
// [C, 1, ..., 1] against an NC... input.
Status Prelu(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* w, ctx.In(1));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  if (ctx.RankOf(w) == 1 && rank > 2) {
    std::vector<int64_t> axes;
    for (int i = 1; i < rank - 1; ++i) axes.push_back(i);
    w = ctx.Unsqueeze(w, axes);
  }
  ctx.SetOutput(0, ctx.Op("PRelu", {x, w}));
  return Status::Ok();
}

}  // namespace

void RegisterActivationOps(OpTable& t) {
  t.Add("aten::relu", Relu);
  t.Add("aten::sigmoid", Sigmoid);
  t.Add("aten::tanh", Tanh);
  t.Add("aten::hardsigmoid", Hardsigmoid);
  t.Add("aten::hardswish", Hardswish);
  t.Add("aten::silu", Silu);
  t.Add("aten::hardtanh", Hardtanh);
  t.Add("aten::relu6", Relu6);
  t.Add("aten::leaky_relu", LeakyRelu);
  t.Add("aten::elu", Elu);
  t.Add("aten::softplus", Softplus);
  t.Add("aten::gelu", Gelu);
  t.Add("aten::softmax", Softmax);
  t.Add("aten::log_softmax", LogSoftmax);
  t.Add("aten::prelu", Prelu);
}

}  // namespace ferry::convert::torch_to_onnx
