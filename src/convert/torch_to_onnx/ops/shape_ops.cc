// Shape and layout ops: view/reshape/flatten/unflatten, permute/transpose, cat/stack,
// chunk/split/unbind (lists read by prim::ListUnpack), squeeze/unsqueeze, select/slice/narrow,
// expand/repeat, index_select. Shapes stay dynamic: sizes come from Shape ops, so an export
// with --dynamic-batch runs at any batch.
#include <limits>

#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

// Shape(x)[begin:end] as int64 [n].
ir::Value* ShapeSlice(Ctx& ctx, ir::Value* x, int64_t begin, int64_t end) {
  ir::Value* shape = ctx.Op("Shape", {x}, {}, DataType::kInt64, 1);
  return ctx.Op("Slice", {shape, ctx.ConstInts({begin}), ctx.ConstInts({end}), ctx.ConstInts({0})},
                {}, DataType::kInt64, 1);
}

Status Reshape(Ctx& ctx) {  // view/reshape(self, int[] size)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* shape, ctx.In(1));
  int rank = -1;
  if (auto s = ctx.Ints(1)) rank = static_cast<int>(s->size());
  if (auto e = ctx.ListElements(1)) rank = static_cast<int>(e->size());
  ctx.SetOutput(0, ctx.Op("Reshape", {x, ctx.Cast(shape, DataType::kInt64)}, {},
                          DataType::kUndefined, rank));
  return Status::Ok();
}

Status ReshapeAs(Ctx& ctx) {  // view_as/reshape_as(self, other)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* o, ctx.In(1));
  ctx.SetOutput(0, ctx.Op("Reshape", {x, ctx.Op("Shape", {o}, {}, DataType::kInt64, 1)}, {},
                          DataType::kUndefined, ctx.RankOf(o)));
  return Status::Ok();
}

// flatten(self, start_dim, end_dim): Flatten(axis=1) for the common [N, -1]; otherwise the
// shape [s[:start], -1, s[end+1:]].
Status Flatten(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  FERRY_ASSIGN_OR_RETURN(int64_t start, ctx.RequireInt(1, "start_dim"));
  FERRY_ASSIGN_OR_RETURN(int64_t end, ctx.RequireInt(2, "end_dim"));
  if (rank == 0) {
    ctx.SetOutput(0, ctx.Op("Reshape", {x, ctx.ConstInts({1})}, {}, DataType::kUndefined, 1));
    return Status::Ok();
  }
  start = NormDim(start, rank);
  end = NormDim(end, rank);
  if (start == end) {
    ctx.SetOutput(0, x);
    return Status::Ok();
  }
  if (start == 1 && end == rank - 1) {
    ctx.SetOutput(0, ctx.Op("Flatten", {x}, {{"axis", ir::Attribute::Int(1)}},
                            DataType::kUndefined, 2));
    return Status::Ok();
  }
  std::vector<ir::Value*> parts;
  if (start > 0) parts.push_back(ShapeSlice(ctx, x, 0, start));
  parts.push_back(ctx.ConstInts({-1}));
  if (end < rank - 1) parts.push_back(ShapeSlice(ctx, x, end + 1, rank));
  ir::Value* shape = parts.size() == 1 ? parts[0]
                                       : ctx.Op("Concat", parts, {{"axis", ir::Attribute::Int(0)}},
                                                DataType::kInt64, 1);
  ctx.SetOutput(0, ctx.Op("Reshape", {x, shape}, {}, DataType::kUndefined,
                          static_cast<int>(rank - (end - start))));
  return Status::Ok();
}

// unflatten(self, dim, sizes)
Status Unflatten(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, ctx.RequireInts(2, "sizes"));
  dim = NormDim(dim, rank);
  std::vector<ir::Value*> parts;
  if (dim > 0) parts.push_back(ShapeSlice(ctx, x, 0, dim));
  parts.push_back(ctx.ConstInts(sizes));
  if (dim < rank - 1) parts.push_back(ShapeSlice(ctx, x, dim + 1, rank));
  ir::Value* shape = parts.size() == 1 ? parts[0]
                                       : ctx.Op("Concat", parts, {{"axis", ir::Attribute::Int(0)}},
                                                DataType::kInt64, 1);
  ctx.SetOutput(0, ctx.Op("Reshape", {x, shape}, {}, DataType::kUndefined,
                          rank - 1 + static_cast<int>(sizes.size())));
  return Status::Ok();
}

Status Permute(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> dims, ctx.RequireInts(1, "dims"));
  const int rank = static_cast<int>(dims.size());
  for (int64_t& d : dims) d = NormDim(d, rank);
  ctx.SetOutput(0, ctx.Op("Transpose", {x}, {{"perm", ir::Attribute::Ints(dims)}},
                          DataType::kUndefined, rank));
  return Status::Ok();
}

Status Transpose(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  FERRY_ASSIGN_OR_RETURN(int64_t d0, ctx.RequireInt(1, "dim0"));
  FERRY_ASSIGN_OR_RETURN(int64_t d1, ctx.RequireInt(2, "dim1"));
  std::vector<int64_t> perm(rank);
  for (int i = 0; i < rank; ++i) perm[i] = i;
  std::swap(perm[NormDim(d0, rank)], perm[NormDim(d1, rank)]);
  ctx.SetOutput(0, ctx.Op("Transpose", {x}, {{"perm", ir::Attribute::Ints(perm)}},
                          DataType::kUndefined, rank));
  return Status::Ok();
}

Status Cat(Ctx& ctx) {  // cat(Tensor[] tensors, int dim)
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Value*> xs, ctx.InList(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  if (xs.size() == 1) {
    ctx.SetOutput(0, xs[0]);
    return Status::Ok();
  }
  ctx.SetOutput(0, ctx.Op("Concat", xs, {{"axis", ir::Attribute::Int(dim)}}, DataType::kUndefined,
                          ctx.RankOf(xs[0])));
  return Status::Ok();
}

Status Stack(Ctx& ctx) {  // stack(Tensor[] tensors, int dim)
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Value*> xs, ctx.InList(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  if (xs.empty()) return ctx.Error("stack of an empty list");
  const int rank = ctx.RankOf(xs[0]);
  if (dim < 0) {
    if (rank < 0) return ctx.Error("a negative dim needs the inputs' rank, which is unknown");
    dim += rank + 1;
  }
  for (ir::Value*& x : xs) x = ctx.Unsqueeze(x, {dim});
  ctx.SetOutput(0, xs.size() == 1 ? xs[0]
                                  : ctx.Op("Concat", xs, {{"axis", ir::Attribute::Int(dim)}},
                                           DataType::kUndefined, rank >= 0 ? rank + 1 : -1));
  return Status::Ok();
}

// Splits x along dim into pieces of `sizes`, or into `n` equal pieces when sizes is empty.
std::vector<ir::Value*> SplitInto(Ctx& ctx, ir::Value* x, int64_t dim,
                                  const std::vector<int64_t>& sizes, int n) {
  const int count = sizes.empty() ? n : static_cast<int>(sizes.size());
  std::vector<ir::Value*> ins = {x};
  if (!sizes.empty()) ins.push_back(ctx.ConstInts(sizes));
  return ctx.Ops("Split", ins, {{"axis", ir::Attribute::Int(dim)}}, count, DataType::kUndefined,
                 ctx.RankOf(x));
}

// The size of input 0 along dim, from the traced shapes.
std::optional<int64_t> DimSize(Ctx& ctx, int64_t dim) {
  const auto& s = ctx.in_value(0).sizes;
  if (!s) return std::nullopt;
  const int rank = static_cast<int>(s->size());
  dim = NormDim(dim, rank);
  if (dim < 0 || dim >= rank) return std::nullopt;
  return (*s)[dim];
}

Status Chunk(Ctx& ctx) {  // chunk(self, chunks, dim) -> Tensor[]
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t chunks, ctx.RequireInt(1, "chunks"));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(2, "dim"));
  std::vector<int64_t> sizes;
  if (auto n = DimSize(ctx, dim)) {
    // torch.chunk: pieces of ceil(n / chunks), the last one smaller, fewer when they run out.
    const int64_t each = (*n + chunks - 1) / chunks;
    for (int64_t done = 0; done < *n; done += each) sizes.push_back(std::min(each, *n - done));
  }
  ctx.SetOutputList(0, SplitInto(ctx, x, dim, sizes, static_cast<int>(chunks)));
  return Status::Ok();
}

// split(self, int split_size, dim) / split(self, int[] sizes, dim) / split_with_sizes.
Status Split(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(2, "dim"));
  std::vector<int64_t> sizes;
  if (ctx.in_value(1).kind == AtenKind::kInt) {
    const int64_t each = *ctx.Int(1);
    auto n = DimSize(ctx, dim);
    if (!n) return ctx.Error("split by size needs the size of dim " + std::to_string(dim));
    for (int64_t done = 0; done < *n; done += each) sizes.push_back(std::min(each, *n - done));
  } else {
    FERRY_ASSIGN_OR_RETURN(sizes, ctx.RequireInts(1, "split_sizes"));
  }
  ctx.SetOutputList(0, SplitInto(ctx, x, dim, sizes, 0));
  return Status::Ok();
}

Status Unbind(Ctx& ctx) {  // unbind(self, dim) -> Tensor[]
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  auto n = DimSize(ctx, dim);
  if (!n) return ctx.Error("unbind needs the size of dim " + std::to_string(dim));
  std::vector<ir::Value*> parts = SplitInto(ctx, x, dim, std::vector<int64_t>(*n, 1), 0);
  for (ir::Value*& p : parts) p = ctx.Squeeze(p, {dim});
  ctx.SetOutputList(0, parts);
  return Status::Ok();
}

Status Squeeze(Ctx& ctx) {  // squeeze(self) / squeeze(self, dim)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  const auto& sizes = ctx.in_value(0).sizes;
  if (ctx.num_inputs() == 1) {
    if (sizes) {
      std::vector<int64_t> axes;
      for (size_t i = 0; i < sizes->size(); ++i)
        if ((*sizes)[i] == 1) axes.push_back(static_cast<int64_t>(i));
      ctx.SetOutput(0, axes.empty() ? x : ctx.Squeeze(x, axes));
    } else {
      ctx.SetOutput(0, ctx.Op("Squeeze", {x}));
    }
    return Status::Ok();
  }
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  // torch: a no-op unless that dim has size 1.
  if (auto n = DimSize(ctx, dim); n && *n != 1) {
    ctx.SetOutput(0, x);
    return Status::Ok();
  }
  ctx.SetOutput(0, ctx.Squeeze(x, {dim}));
  return Status::Ok();
}

Status Unsqueeze(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  if (dim < 0) {
    FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
    dim += rank + 1;
  }
  ctx.SetOutput(0, ctx.Unsqueeze(x, {dim}));
  return Status::Ok();
}

// The int64 [1] of an int input (constant or dynamic).
StatusOr<ir::Value*> IntAs1D(Ctx& ctx, int i, int64_t none_value) {
  if (ctx.IsNone(i)) return ctx.ConstInts({none_value});
  if (auto v = ctx.Int(i)) return ctx.ConstInts({*v});
  FERRY_ASSIGN_OR_RETURN(ir::Value* v, ctx.In(i));
  v = ctx.Cast(v, DataType::kInt64);
  return ctx.RankOf(v) == 1 ? v : ctx.Unsqueeze(v, {0});
}

Status Select(Ctx& ctx) {  // select(self, dim, index)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  FERRY_ASSIGN_OR_RETURN(ir::Value* index, ctx.InAs(2, DataType::kInt64));
  const int rank = ctx.RankOf(x);
  ctx.SetOutput(0, ctx.Op("Gather", {x, index}, {{"axis", ir::Attribute::Int(dim)}},
                          DataType::kUndefined, rank > 0 ? rank - 1 : -1));
  return Status::Ok();
}

Status Slice(Ctx& ctx) {  // slice(self, dim, start?, end?, step)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  const int64_t big = std::numeric_limits<int64_t>::max();
  FERRY_ASSIGN_OR_RETURN(ir::Value* start, IntAs1D(ctx, 2, 0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* end, IntAs1D(ctx, 3, big));
  const int64_t step = ctx.num_inputs() > 4 ? ctx.Int(4).value_or(1) : 1;
  if (ctx.Int(2).value_or(-1) == 0 && ctx.Int(3).value_or(0) == big && step == 1) {
    ctx.SetOutput(0, x);  // x[:, :] slices nothing
    return Status::Ok();
  }
  ctx.SetOutput(0, ctx.Op("Slice", {x, start, end, ctx.ConstInts({dim}), ctx.ConstInts({step})},
                          {}, DataType::kUndefined, ctx.RankOf(x)));
  return Status::Ok();
}

Status Narrow(Ctx& ctx) {  // narrow(self, dim, start, length)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  FERRY_ASSIGN_OR_RETURN(ir::Value* start, IntAs1D(ctx, 2, 0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* length, IntAs1D(ctx, 3, 0));
  ir::Value* end = ctx.Op("Add", {start, length}, {}, DataType::kInt64, 1);
  ctx.SetOutput(0, ctx.Op("Slice", {x, start, end, ctx.ConstInts({dim})}, {}, DataType::kUndefined,
                          ctx.RankOf(x)));
  return Status::Ok();
}

// expand(self, size, implicit): torch's -1 keeps a dim; ONNX Expand broadcasts, so 1 does.
Status Expand(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  ir::Value* shape;
  int rank = -1;
  if (auto s = ctx.Ints(1)) {
    for (int64_t& d : *s) d = d == -1 ? 1 : d;
    shape = ctx.ConstInts(*s);
    rank = static_cast<int>(s->size());
  } else if (auto elems = ctx.ListElements(1)) {
    std::vector<ir::Value*> parts;
    for (int id : *elems) {
      const AtenValue& e = ctx.aten().values[id];
      if (e.constant && e.kind == AtenKind::kInt) {
        const int64_t d = e.constant->data<int64_t>()[0];
        parts.push_back(ctx.ConstInts({d == -1 ? 1 : d}));
      } else {
        FERRY_ASSIGN_OR_RETURN(ir::Value* v, ctx.ValueOf(id));
        v = ctx.Cast(v, DataType::kInt64);
        parts.push_back(ctx.RankOf(v) == 1 ? v : ctx.Unsqueeze(v, {0}));
      }
    }
    shape = ctx.Op("Concat", parts, {{"axis", ir::Attribute::Int(0)}}, DataType::kInt64, 1);
    rank = static_cast<int>(elems->size());
  } else {
    return ctx.Error("size must be an int list");
  }
  ctx.SetOutput(0, ctx.Op("Expand", {x, shape}, {}, DataType::kUndefined, rank));
  return Status::Ok();
}

Status ExpandAs(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(ir::Value* o, ctx.In(1));
  ctx.SetOutput(0, ctx.Op("Expand", {x, ctx.Op("Shape", {o}, {}, DataType::kInt64, 1)}, {},
                          DataType::kUndefined, ctx.RankOf(o)));
  return Status::Ok();
}

Status Repeat(Ctx& ctx) {  // repeat(self, repeats): Tile, after leading unsqueezes
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> reps, ctx.RequireInts(1, "repeats"));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  if (static_cast<int>(reps.size()) > rank) {
    std::vector<int64_t> axes;
    for (int i = 0; i < static_cast<int>(reps.size()) - rank; ++i) axes.push_back(i);
    x = ctx.Unsqueeze(x, axes);
  }
  ctx.SetOutput(0, ctx.Op("Tile", {x, ctx.ConstInts(reps)}, {}, DataType::kUndefined,
                          static_cast<int>(reps.size())));
  return Status::Ok();
}

Status IndexSelect(Ctx& ctx) {  // index_select(self, dim, index)
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(int64_t dim, ctx.RequireInt(1, "dim"));
  FERRY_ASSIGN_OR_RETURN(ir::Value* index, ctx.InAs(2, DataType::kInt64));
  ctx.SetOutput(0, ctx.Op("Gather", {x, index}, {{"axis", ir::Attribute::Int(dim)}},
                          DataType::kUndefined, ctx.RankOf(x)));
  return Status::Ok();
}

}  // namespace

void RegisterShapeOpsOps(OpTable& t) {
  t.Add("aten::view", Reshape);
  t.Add("aten::reshape", Reshape);
  t.Add("aten::view_as", ReshapeAs);
  t.Add("aten::reshape_as", ReshapeAs);
  t.Add("aten::flatten", Flatten);
  t.Add("aten::unflatten", Unflatten);
  t.Add("aten::permute", Permute);
  t.Add("aten::transpose", Transpose);
  t.Add("aten::cat", Cat);
  t.Add("aten::concat", Cat);
  t.Add("aten::stack", Stack);
  t.Add("aten::chunk", Chunk);
  t.Add("aten::split", Split);
  t.Add("aten::split_with_sizes", Split);
  t.Add("aten::unbind", Unbind);
  t.Add("aten::squeeze", Squeeze);
  t.Add("aten::unsqueeze", Unsqueeze);
  t.Add("aten::select", Select);
  t.Add("aten::slice", Slice);
  t.Add("aten::narrow", Narrow);
  t.Add("aten::expand", Expand);
  t.Add("aten::expand_as", ExpandAs);
  t.Add("aten::repeat", Repeat);
  t.Add("aten::index_select", IndexSelect);
}

}  // namespace ferry::convert::torch_to_onnx
