// Reductions: mean, sum, amax, amin over dims (or all), argmax. ReduceSum takes its axes as
// an input from opset 13; ReduceMean/Max/Min as an attribute until opset 18.
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

// op(self, dim[], keepdim, dtype?) or op(self, dtype?) (every dim).
Status Reduce(Ctx& ctx, const std::string& op) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  std::optional<std::vector<int64_t>> dims;
  bool keep = false;
  int dtype_index = 1;
  if (ctx.num_inputs() >= 3 && ctx.in_value(1).kind != AtenKind::kNone &&
      (ctx.in_value(1).kind == AtenKind::kIntList || ctx.in_value(1).kind == AtenKind::kInt ||
       ctx.ListElements(1))) {
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> d, ctx.RequireInts(1, "dim"));
    dims = d;
    keep = ctx.Bool(2).value_or(false);
    dtype_index = 3;
  }
  if (dtype_index < ctx.num_inputs() && !ctx.IsNone(dtype_index) && ctx.Int(dtype_index)) {
    auto dt = DataTypeFromTorchCode(*ctx.Int(dtype_index));
    if (dt) x = ctx.Cast(x, *dt);
  }
  int rank = ctx.RankOf(x);
  int out_rank = -1;
  if (rank >= 0) out_rank = keep ? rank : (dims ? rank - static_cast<int>(dims->size()) : 0);
  std::map<std::string, ir::Attribute> attrs = {{"keepdims", ir::Attribute::Int(keep ? 1 : 0)}};
  std::vector<ir::Value*> ins = {x};
  if (dims && !dims->empty()) {
    if (op == "ReduceSum" && ctx.opset() >= 13) {
      ins.push_back(ctx.ConstInts(*dims));
    } else {
      attrs["axes"] = ir::Attribute::Ints(*dims);
    }
  }
  ctx.SetOutput(0, ctx.Op(op, ins, std::move(attrs), DataType::kUndefined, out_rank));
  return Status::Ok();
}
Status Mean(Ctx& ctx) { return Reduce(ctx, "ReduceMean"); }
Status Sum(Ctx& ctx) { return Reduce(ctx, "ReduceSum"); }
Status Amax(Ctx& ctx) { return Reduce(ctx, "ReduceMax"); }
Status Amin(Ctx& ctx) { return Reduce(ctx, "ReduceMin"); }

// argmax(self, dim?, keepdim)
Status Argmax(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  const bool keep = ctx.Bool(2).value_or(false);
  if (ctx.IsNone(1)) {
    x = ctx.Op("Reshape", {x, ctx.ConstInts({-1})}, {}, DataType::kUndefined, 1);
    ctx.SetOutput(0, ctx.Op("ArgMax", {x}, {{"axis", ir::Attribute::Int(0)},
                                            {"keepdims", ir::Attribute::Int(0)}},
                            DataType::kInt64, 0));
    return Status::Ok();
  }
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  ctx.SetOutput(0, ctx.Op("ArgMax", {x}, {{"axis", ir::Attribute::Int(dim)},
                                          {"keepdims", ir::Attribute::Int(keep ? 1 : 0)}},
                          DataType::kInt64));
  return Status::Ok();
}

}  // namespace

void RegisterReduceOps(OpTable& t) {
  t.Add("aten::mean", Mean);
  t.Add("aten::sum", Sum);
  t.Add("aten::amax", Amax);
  t.Add("aten::amin", Amin);
  t.Add("aten::argmax", Argmax);
}

}  // namespace ferry::convert::torch_to_onnx
