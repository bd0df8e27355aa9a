// Conv + MaxPool -> one Conv that pools its own output before writing it. With oneDNN's
// channels-last convolutions the pooling then runs on the channels-last result directly,
// so neither the large pre-pool activation nor its reorder to NCHW is ever materialized;
// the pooled output may itself stay blocked for a following Conv (ResNet's stem, SimpleCNN).
// Only plain 2-D max pooling: explicit pads (auto_pad NOTSET), no dilation, row-major
// indices unused. A 1x1 pool of stride 1 is an identity and simply disappears.
#include <string>
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool FuseOne(ir::Graph& g, ir::Node* conv) {
  if (!IsCachedConv2D(conv) || conv->num_outputs() != 1 || conv->has_attr(kPoolKernelAttr) ||
      conv->has_attr(kResidualAttr))
    return false;
  ir::Value* y = conv->output(0);
  if (!SingleUse(g, y)) return false;
  ir::Node* pool = y->users()[0];
  if (!IsOnnx(pool, "MaxPool") || pool->input(0) != y) return false;
  for (int i = 1; i < pool->num_outputs(); ++i)
    if (pool->output(i) && (!pool->output(i)->users().empty() || g.IsGraphOutput(pool->output(i))))
      return false;
  const std::string auto_pad = pool->GetString("auto_pad", "NOTSET");
  if (auto_pad != "NOTSET" && auto_pad != "VALID") return false;
  const std::vector<int64_t> kernel = pool->GetInts("kernel_shape");
  if (kernel.size() != 2) return false;
  std::vector<int64_t> strides = pool->GetInts("strides", {1, 1});
  std::vector<int64_t> pads = pool->GetInts("pads", {0, 0, 0, 0});
  if (auto_pad == "VALID") pads = {0, 0, 0, 0};
  for (int64_t d : pool->GetInts("dilations", {1, 1}))
    if (d != 1) return false;
  if (strides.size() != 2 || pads.size() != 4 || pool->GetInt("storage_order", 0) != 0)
    return false;
  const int64_t ceil = pool->GetInt("ceil_mode", 0);
  // A 1x1 window of stride 1 without padding (the guide's MaxPool2d(1)) passes every element
  // through: the conv writes the pool's output itself and nothing pools.
  const bool identity = kernel == std::vector<int64_t>{1, 1} &&
                        strides == std::vector<int64_t>{1, 1} &&
                        pads == std::vector<int64_t>{0, 0, 0, 0};
  ir::Node* fused = Absorb(g, conv, pool, conv->inputs());
  if (identity) return true;
  fused->set_attr(kPoolKernelAttr, ir::Attribute::Ints(kernel));
  fused->set_attr(kPoolStridesAttr, ir::Attribute::Ints(strides));
  fused->set_attr(kPoolPadsAttr, ir::Attribute::Ints(pads));
  fused->set_attr(kPoolCeilAttr, ir::Attribute::Int(ceil));
  return true;
}

}  // namespace

int FusePool(ir::Graph& g) {
  std::vector<ir::Node*> convs;
  for (const auto& n : g.nodes())
    if (IsOnnx(n.get(), "Conv")) convs.push_back(n.get());
  int fused = 0;
  for (ir::Node* c : convs) fused += FuseOne(g, c) ? 1 : 0;
  return fused;
}

}  // namespace ferry::runtime::optimize
