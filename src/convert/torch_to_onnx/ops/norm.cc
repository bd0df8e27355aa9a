// Normalisations: batch_norm (eval: running statistics) -> BatchNormalization; layer_norm ->
// LayerNormalization at opset 17, before that mean/variance written out over the trailing
// normalized_shape axes (the same formula: (x - E[x]) / sqrt(Var[x] + eps) * w + b).
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

// batch_norm(input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn)
Status BatchNorm(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  if (ctx.Bool(5).value_or(false)) return ctx.Error("training-mode batch_norm cannot be exported");
  if (ctx.IsNone(3) || ctx.IsNone(4)) return ctx.Error("batch_norm without running statistics");
  FERRY_ASSIGN_OR_RETURN(ir::Value * mean, ctx.In(3));
  FERRY_ASSIGN_OR_RETURN(ir::Value * var, ctx.In(4));
  FERRY_ASSIGN_OR_RETURN(double eps, ctx.RequireFloat(7, "eps"));
  if (!mean->is_constant()) return ctx.Error("running_mean must be a constant");
  const int64_t c = mean->constant().NumElements();
  DataType dt = mean->constant().dtype();
  ir::Value* scale;
  ir::Value* bias;
  if (ctx.IsNone(1)) {
    std::vector<float> ones(c, 1.0f);
    scale = ctx.Const(Tensor::FromVector<float>(ones, Shape({c})), "bn_scale");
  } else {
    FERRY_ASSIGN_OR_RETURN(scale, ctx.In(1));
  }
  if (ctx.IsNone(2)) {
    bias = ctx.Const(Tensor::Zeros(dt, Shape({c})), "bn_bias");
  } else {
    FERRY_ASSIGN_OR_RETURN(bias, ctx.In(2));
  }
  int rank = ctx.RankOf(x);
  ctx.SetOutput(0, ctx.Op("BatchNormalization", {x, scale, bias, mean, var},
                          {{"epsilon", ir::Attribute::Float(static_cast<float>(eps))}},
                          DataType::kUndefined, rank));
  return Status::Ok();
}

// layer_norm(input, normalized_shape, weight, bias, eps, cudnn_enable)
Status LayerNorm(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> shape, ctx.RequireInts(1, "normalized_shape"));
  FERRY_ASSIGN_OR_RETURN(double eps, ctx.RequireFloat(4, "eps"));
  DataType dt = ctx.DtypeOf(x) == DataType::kUndefined ? DataType::kFloat32 : ctx.DtypeOf(x);
  const int64_t axis = -static_cast<int64_t>(shape.size());
  int64_t count = 1;
  for (int64_t d : shape) count *= d;
  ir::Value* w = nullptr;
  ir::Value* b = nullptr;
  if (!ctx.IsNone(2)) {
    FERRY_ASSIGN_OR_RETURN(w, ctx.In(2));
  }
  if (!ctx.IsNone(3)) {
    FERRY_ASSIGN_OR_RETURN(b, ctx.In(3));
  }
  const int rank = ctx.RankOf(x);
  if (ctx.opset() >= 17) {
    if (w == nullptr) {
      w = ctx.Const(Tensor::FromVector<float>(std::vector<float>(count, 1.0f), Shape(shape)),
                    "ln_w");
    }
    std::vector<ir::Value*> ins = {x, w};
    if (b != nullptr) ins.push_back(b);
    ctx.SetOutput(0, ctx.Op("LayerNormalization", ins,
                            {{"axis", ir::Attribute::Int(axis)},
                             {"epsilon", ir::Attribute::Float(static_cast<float>(eps))}},
                            dt, rank));
    return Status::Ok();
  }
  std::vector<int64_t> axes;
  for (int64_t a = axis; a < 0; ++a) axes.push_back(a);
  auto mean = [&](ir::Value* v) {
    return ctx.Op("ReduceMean", {v},
                  {{"axes", ir::Attribute::Ints(axes)}, {"keepdims", ir::Attribute::Int(1)}}, dt,
                  rank);
  };
  ir::Value* d = ctx.Op("Sub", {x, mean(x)}, {}, dt, rank);
  ir::Value* var = mean(ctx.Op("Mul", {d, d}, {}, dt, rank));
  ir::Value* denom = ctx.Op("Sqrt", {ctx.Op("Add", {var, ctx.ConstScalar(eps, dt)})});
  ir::Value* y = ctx.Op("Div", {d, denom}, {}, dt, rank);
  if (w != nullptr) y = ctx.Op("Mul", {y, w}, {}, dt, rank);
  if (b != nullptr) y = ctx.Op("Add", {y, b}, {}, dt, rank);
  ctx.SetOutput(0, y);
  return Status::Ok();
}

}  // namespace

void RegisterNormOps(OpTable& t) {
  t.Add("aten::batch_norm", BatchNorm);
  t.Add("aten::layer_norm", LayerNorm);
}

}  // namespace ferry::convert::torch_to_onnx
