// embedding(weight, indices, padding_idx, scale_grad_by_freq, sparse) -> Gather on axis 0
// (padding_idx only matters for gradients).
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

Status Embedding(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value * w, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value * idx, ctx.In(1));
  const DataType it = ctx.DtypeOf(idx);
  if (it != DataType::kInt64 && it != DataType::kInt32) idx = ctx.Cast(idx, DataType::kInt64);
  const int r = ctx.RankOf(idx) >= 0 ? ctx.RankOf(idx) + 1 : -1;
  ctx.SetOutput(0,
                ctx.Op("Gather", {w, idx}, {{"axis", ir::Attribute::Int(0)}}, ctx.DtypeOf(w), r));
  return Status::Ok();
}

}  // namespace

void RegisterEmbeddingOps(OpTable& t) { t.Add("aten::embedding", Embedding); }

}  // namespace ferry::convert::torch_to_onnx
