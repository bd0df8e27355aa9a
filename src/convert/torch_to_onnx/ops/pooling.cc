// Pooling: max_pool{1,2,3}d, avg_pool{1,2,3}d, adaptive_avg_pool{1,2}d and
// adaptive_max_pool2d. An adaptive pool to size 1 is a global pool; to another size it is a
// fixed pool when the input size is a multiple of the output size (torch's adaptive windows
// are then all `in / out` wide and `in / out` apart), known from the traced shapes.
#include "convert/torch_to_onnx/ops/common.h"

namespace ferry::convert::torch_to_onnx {
namespace {

std::vector<int64_t> Expand(std::vector<int64_t> v, size_t n) {
  if (v.size() == 1 && n > 1) v.assign(n, v[0]);
  return v;
}

// max_pool2d(self, kernel_size, stride, padding, dilation, ceil_mode)
Status MaxPool(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> kernel, ctx.RequireInts(1, "kernel_size"));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  const size_t n = static_cast<size_t>(rank - 2);
  kernel = Expand(kernel, n);
  std::vector<int64_t> stride = ctx.Ints(2).value_or(std::vector<int64_t>{});
  stride = stride.empty() ? kernel : Expand(stride, n);
  std::vector<int64_t> padding = Expand(ctx.Ints(3).value_or(std::vector<int64_t>{0}), n);
  std::vector<int64_t> dilation = Expand(ctx.Ints(4).value_or(std::vector<int64_t>{1}), n);
  const bool ceil = ctx.Bool(5).value_or(false);
  std::vector<int64_t> pads = padding;
  pads.insert(pads.end(), padding.begin(), padding.end());
  ctx.SetOutput(0, ctx.Op("MaxPool", {x},
                          {{"kernel_shape", ir::Attribute::Ints(kernel)},
                           {"strides", ir::Attribute::Ints(stride)},
                           {"pads", ir::Attribute::Ints(pads)},
                           {"dilations", ir::Attribute::Ints(dilation)},
                           {"ceil_mode", ir::Attribute::Int(ceil ? 1 : 0)}},
                          DataType::kUndefined, rank));
  return Status::Ok();
}

// avg_pool2d(self, kernel_size, stride, padding, ceil_mode, count_include_pad,
//            divisor_override)
Status AvgPool(Ctx& ctx) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> kernel, ctx.RequireInts(1, "kernel_size"));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  const size_t n = static_cast<size_t>(rank - 2);
  kernel = Expand(kernel, n);
  std::vector<int64_t> stride = ctx.Ints(2).value_or(std::vector<int64_t>{});
  stride = stride.empty() ? kernel : Expand(stride, n);
  std::vector<int64_t> padding = Expand(ctx.Ints(3).value_or(std::vector<int64_t>{0}), n);
  const bool ceil = ctx.Bool(4).value_or(false);
  const bool count_pad = ctx.Bool(5).value_or(true);
  if (ctx.num_inputs() > 6 && !ctx.IsNone(6)) return ctx.Error("divisor_override is not supported");
  std::vector<int64_t> pads = padding;
  pads.insert(pads.end(), padding.begin(), padding.end());
  ctx.SetOutput(0, ctx.Op("AveragePool", {x},
                          {{"kernel_shape", ir::Attribute::Ints(kernel)},
                           {"strides", ir::Attribute::Ints(stride)},
                           {"pads", ir::Attribute::Ints(pads)},
                           {"ceil_mode", ir::Attribute::Int(ceil ? 1 : 0)},
                           {"count_include_pad", ir::Attribute::Int(count_pad ? 1 : 0)}},
                          DataType::kUndefined, rank));
  return Status::Ok();
}

Status AdaptivePool(Ctx& ctx, bool max) {
  FERRY_ASSIGN_OR_RETURN(ir::Value* x, ctx.In(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> out, ctx.RequireInts(1, "output_size"));
  FERRY_ASSIGN_OR_RETURN(int rank, ctx.RequireRank(0));
  out = Expand(out, static_cast<size_t>(rank - 2));
  bool global = true;
  for (int64_t o : out) global &= o == 1;
  if (global) {
    ctx.SetOutput(0, ctx.Op(max ? "GlobalMaxPool" : "GlobalAveragePool", {x}, {},
                            DataType::kUndefined, rank));
    return Status::Ok();
  }
  const auto& sizes = ctx.in_value(0).sizes;
  if (!sizes || static_cast<int>(sizes->size()) != rank) {
    return ctx.Error("output size other than 1 needs the input's spatial size, which is unknown");
  }
  std::vector<int64_t> kernel;
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t in = (*sizes)[i + 2];
    if (out[i] <= 0 || in % out[i] != 0) {
      return ctx.Error("input size " + std::to_string(in) + " is not a multiple of output size " +
                       std::to_string(out[i]));
    }
    kernel.push_back(in / out[i]);
  }
  std::map<std::string, ir::Attribute> attrs = {{"kernel_shape", ir::Attribute::Ints(kernel)},
                                                {"strides", ir::Attribute::Ints(kernel)}};
  ctx.SetOutput(0, ctx.Op(max ? "MaxPool" : "AveragePool", {x}, std::move(attrs),
                          DataType::kUndefined, rank));
  return Status::Ok();
}
Status AdaptiveAvgPool(Ctx& ctx) { return AdaptivePool(ctx, false); }
Status AdaptiveMaxPool(Ctx& ctx) {
  if (ctx.num_outputs() > 1) {
    // The indices output must be unused (nn.AdaptiveMaxPool2d without return_indices).
  }
  return AdaptivePool(ctx, true);
}

}  // namespace

void RegisterPoolingOps(OpTable& t) {
  for (const char* k : {"aten::max_pool1d", "aten::max_pool2d", "aten::max_pool3d"})
    t.Add(k, MaxPool);
  for (const char* k : {"aten::avg_pool1d", "aten::avg_pool2d", "aten::avg_pool3d"})
    t.Add(k, AvgPool);
  t.Add("aten::adaptive_avg_pool1d", AdaptiveAvgPool);
  t.Add("aten::adaptive_avg_pool2d", AdaptiveAvgPool);
  t.Add("aten::adaptive_avg_pool3d", AdaptiveAvgPool);
  t.Add("aten::adaptive_max_pool2d", AdaptiveMaxPool);
}

}  // namespace ferry::convert::torch_to_onnx
