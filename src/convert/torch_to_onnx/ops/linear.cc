// Matrix products: linear, matmul, bmm, mm, addmm, baddbmm, t. nn.Linear computes
// x W^T + b; a constant W is stored transposed so that any-rank inputs need only MatMul + Add
// (rank-2 inputs use Gemm with transB, as torch.onnx does).
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

Status Linear(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value * w, ctx.In(1));
  ir::Value* b = nullptr;
  if (!ctx.IsNone(2)) {
    FERRY_ASSIGN_OR_RETURN(b, ctx.In(2));
  }
  int rank = ctx.RankOf(x);
  if (rank < 0) {
    auto r = ctx.RequireRank(0);
    if (r.ok()) rank = *r;
  }
  if (rank == 2) {
    std::vector<ir::Value*> ins = {x, w};
    if (b != nullptr) ins.push_back(b);
    ctx.SetOutput(
        0, ctx.Op("Gemm", ins, {{"transB", ir::Attribute::Int(1)}}, DataType::kUndefined, 2));
    return Status::Ok();
  }
  ir::Value* wt = ctx.Op("Transpose", {w}, {{"perm", ir::Attribute::Ints({1, 0})}});
  ir::Value* y = ctx.Op("MatMul", {x, wt}, {}, DataType::kUndefined, rank);
  if (b != nullptr) y = ctx.Op("Add", {y, b}, {}, DataType::kUndefined, rank);
  ctx.SetOutput(0, y);
  return Status::Ok();
}

Status MatMul(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * a, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value * b, ctx.In(1));
  int rank = -1;
  if (ctx.RankOf(a) >= 2 && ctx.RankOf(b) >= 2) rank = std::max(ctx.RankOf(a), ctx.RankOf(b));
  ctx.SetOutput(0, ctx.Op("MatMul", {a, b}, {}, DataType::kUndefined, rank));
  return Status::Ok();
}

// addmm(self, m1, m2, beta, alpha) = beta self + alpha m1 m2: Gemm.
Status Addmm(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * c, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value * a, ctx.In(1));
  FERRY_ASSIGN_OR_RETURN(ir::Value * b, ctx.In(2));
  const double beta = ctx.num_inputs() > 3 ? ctx.Float(3).value_or(1.0) : 1.0;
  const double alpha = ctx.num_inputs() > 4 ? ctx.Float(4).value_or(1.0) : 1.0;
  ctx.SetOutput(0, ctx.Op("Gemm", {a, b, c},
                          {{"alpha", ir::Attribute::Float(static_cast<float>(alpha))},
                           {"beta", ir::Attribute::Float(static_cast<float>(beta))}},
                          DataType::kUndefined, 2));
  return Status::Ok();
}

// baddbmm(self, batch1, batch2, beta, alpha) = beta self + alpha (batch1 @ batch2).
Status Baddbmm(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * c, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value * a, ctx.In(1));
  FERRY_ASSIGN_OR_RETURN(ir::Value * b, ctx.In(2));
  const double beta = ctx.num_inputs() > 3 ? ctx.Float(3).value_or(1.0) : 1.0;
  const double alpha = ctx.num_inputs() > 4 ? ctx.Float(4).value_or(1.0) : 1.0;
  DataType dt = ctx.DtypeOf(a) == DataType::kUndefined ? DataType::kFloat32 : ctx.DtypeOf(a);
  ir::Value* p = ctx.Op("MatMul", {a, b}, {}, dt, 3);
  if (alpha != 1.0) p = ctx.Op("Mul", {p, ctx.ConstScalar(alpha, dt)}, {}, dt, 3);
  if (beta != 1.0) c = ctx.Op("Mul", {c, ctx.ConstScalar(beta, dt)}, {}, dt);
  ctx.SetOutput(0, ctx.Op("Add", {c, p}, {}, dt, 3));
  return Status::Ok();
}

// t(self): transposes a 2-D tensor (a 0-D or 1-D one is returned as is).
Status T(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  if (rank < 2) {
    ctx.SetOutput(0, x);
    return Status::Ok();
  }
  ctx.SetOutput(0, ctx.Op("Transpose", {x}, {{"perm", ir::Attribute::Ints({1, 0})}},
                          DataType::kUndefined, 2));
  return Status::Ok();
}

}  // namespace

void RegisterLinearOps(OpTable& t) {
  t.Add("aten::linear", Linear);
  t.Add("aten::matmul", MatMul);
  t.Add("aten::bmm", MatMul);
  t.Add("aten::mm", MatMul);
  t.Add("aten::addmm", Addmm);
  t.Add("aten::baddbmm", Baddbmm);
  t.Add("aten::t", T);
}

}  // namespace ferry::convert::torch_to_onnx
