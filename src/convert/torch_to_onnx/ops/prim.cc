// prim:: list plumbing and the scalar ops traced shape arithmetic uses (aten::size,
// prim::NumToTensor, aten::Int): Python ints are int64 0-d tensors, int lists int64 [n].
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

Status ListConstruct(Ctx& ctx) {
  // Int lists are read by their consumers (Ctx::Ints / Ctx::In); tensor lists are bound so
  // that prim::ListUnpack and aten::cat can follow them.
  if (ctx.out_value(0).kind == AtenKind::kTensorList) {
    std::vector<ir::Value*> all;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(i));
      all.push_back(x);
    }
    ctx.SetOutputList(0, std::move(all));
  }
  return Status::Ok();
}

Status ListUnpack(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Value*> xs, ctx.InList(0));
  if (static_cast<int>(xs.size()) != ctx.num_outputs()) {
    return ctx.Error("unpacks " + std::to_string(ctx.num_outputs()) + " values from a list of " +
                     std::to_string(xs.size()));
  }
  for (int i = 0; i < ctx.num_outputs(); ++i) ctx.SetOutput(i, xs[i]);
  return Status::Ok();
}

Status GetItem(Ctx& ctx) {  // aten::__getitem__(t[] list, int idx)
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Value*> xs, ctx.InList(0));
  FERRY_ASSIGN_OR_RETURN(int64_t i, ctx.RequireInt(1, "idx"));
  const int64_t n = static_cast<int64_t>(xs.size());
  if (i < -n || i >= n) return ctx.Error("index " + std::to_string(i) + " out of range");
  ctx.SetOutput(0, xs[i < 0 ? i + n : i]);
  return Status::Ok();
}

Status ToInt(Ctx& ctx) {  // aten::Int, and the int64 view of a tensor
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Cast(x, DataType::kInt64));
  return Status::Ok();
}

Status ToFloat(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Cast(x, DataType::kFloat32));
  return Status::Ok();
}

Status Size(Ctx& ctx) {  // aten::size(Tensor, int dim) / aten::size(Tensor)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  if (ctx.num_inputs() == 1) {
    ctx.SetOutput(0, ctx.Op("Shape", {x}, {}, DataType::kInt64, 1));
    return Status::Ok();
  }
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  ctx.SetOutput(0, ctx.DimOf(x, dim, /*keep_dims=*/false));
  return Status::Ok();
}

Status Dim(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  ctx.SetOutput(0, ctx.ConstInt(rank));
  return Status::Ok();
}

Status Numel(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ctx.SetOutput(0, ctx.Op("Size", {x}, {}, DataType::kInt64, 0));
  return Status::Ok();
}

}  // namespace

void RegisterPrimOps(OpTable& t) {
  t.Add("prim::ListConstruct", ListConstruct);
  t.Add("prim::ListUnpack", ListUnpack);
  t.Add("aten::__getitem__", GetItem);
  t.Add("prim::NumToTensor", MapIdentity);
  t.Add("aten::ScalarImplicit", MapIdentity);
  t.Add("aten::Int", ToInt);
  t.Add("aten::Float", ToFloat);
  t.Add("aten::size", Size);
  t.Add("aten::dim", Dim);
  t.Add("aten::numel", Numel);
  // Identities of an eval-mode, autograd-free export.
  for (const char* k : {"aten::detach", "aten::contiguous", "aten::clone", "aten::dropout",
                        "aten::feature_dropout", "aten::alpha_dropout", "aten::lift_fresh",
                        "aten::alias", "aten::feature_alpha_dropout"}) {
    t.Add(k, MapIdentity);
  }
}

}  // namespace ferry::convert::torch_to_onnx
