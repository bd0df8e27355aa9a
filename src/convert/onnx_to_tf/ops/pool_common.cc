#include "convert/onnx_to_tf/ops/pool_common.h"

namespace ferry::convert::onnx_to_tf::ops {

StatusOr<PoolParams> ReadPoolParams(const ir::Node& n, const ValueFacts& x, bool ceil_by_padding) {
  if (x.rank() != 4)
    return Unimplemented(n.Describe() + ": input 0 has rank " + std::to_string(x.rank()) +
                         ": only 2-D pooling (rank 4) converts to TF");
  PoolParams p;
  p.k = n.GetInts("kernel_shape");
  p.s = n.GetInts("strides", {1, 1});
  const std::vector<int64_t> d = n.GetInts("dilations", {1, 1});
  FERRY_RETURN_IF_ERROR(CheckSpatial(n, "kernel_shape", p.k));
  FERRY_RETURN_IF_ERROR(CheckSpatial(n, "strides", p.s));
  FERRY_RETURN_IF_ERROR(CheckSpatial(n, "dilations", d));
  if (d[0] != 1 || d[1] != 1)
    return Unimplemented(n.Describe() + ": attribute 'dilations' other than 1 has no TF pool");
  p.hw = {(*x.dims)[2], (*x.dims)[3]};
  FERRY_ASSIGN_OR_RETURN(p.pads, ResolvePads(n, p.hw, p.k, p.s, {1, 1}));
  if (n.GetInt("ceil_mode", 0) != 0) {
    // TF pools round down; ceil_mode is expressible where it changes nothing, or for max
    // pooling by extra -inf padding at the end.
    for (int i = 0; i < 2; ++i) {
      if (!p.hw[i].known())
        return Unimplemented(n.Describe() +
                             ": attribute 'ceil_mode' = 1 needs static spatial dims");
      const ir::Dim ceil_out = WindowOut(p.hw[i], p.k[i], p.s[i], 1, p.pads[i], p.pads[i + 2], true);
      if (ceil_out == WindowOut(p.hw[i], p.k[i], p.s[i], 1, p.pads[i], p.pads[i + 2], false))
        continue;
      if (ceil_by_padding) {
        // Max pooling: padding the end by enough -inf that rounding down reaches the same last
        // window gives ceil mode exactly (each extra window starts inside the input).
        p.pads[i + 2] += (ceil_out.value - 1) * p.s[i] + p.k[i] -
                         (p.hw[i].value + p.pads[i] + p.pads[i + 2]);
        continue;
      }
      return Unimplemented(n.Describe() + ": attribute 'ceil_mode' = 1 changes the output size " +
                             "here, and TF pooling always rounds down");
    }
  }
  p.padding = TfPadding(p.hw, p.k, p.s, {1, 1}, p.pads);
  return p;
}

void InferPool(const ir::Node& n, InferContext& ctx) {
  ValueFacts& out = ctx.out(0);
  const ValueFacts& x = ctx.in(0);
  out.dtype = x.dtype;
  if (x.rank() != 4) return;
  std::vector<int64_t> k = n.GetInts("kernel_shape"), s = n.GetInts("strides", {1, 1});
  if (k.size() != 2 || s.size() != 2) return;
  const auto& xd = *x.dims;
  auto pads = ResolvePads(n, {xd[2], xd[3]}, k, s, {1, 1});
  if (!pads.ok()) return;
  const bool ceil = n.GetInt("ceil_mode", 0) != 0;
  const auto& p = *pads;
  out.dims = std::vector<ir::Dim>{xd[0], xd[1], WindowOut(xd[2], k[0], s[0], 1, p[0], p[2], ceil),
                                  WindowOut(xd[3], k[1], s[1], 1, p[1], p[3], ceil)};
}

Attrs PoolAttrs(const PoolParams& p, const std::string& padding) {
  return {{"T", TypeAttr(DataType::kFloat32)},
          {"ksize", ir::Attribute::Ints({1, p.k[0], p.k[1], 1})},
          {"strides", ir::Attribute::Ints({1, p.s[0], p.s[1], 1})},
          {"padding", ir::Attribute::String(padding)},
          {"data_format", ir::Attribute::String("NHWC")}};
}

ir::Value* NhwcPaddings(TfBuilder& b, const std::vector<int64_t>& pads) {
  std::vector<int32_t> v = {0,
                            0,
                            static_cast<int32_t>(pads[0]),
                            static_cast<int32_t>(pads[2]),
                            static_cast<int32_t>(pads[1]),
                            static_cast<int32_t>(pads[3]),
                            0,
                            0};
  return b.Const(Tensor::FromVector<int32_t>(v, Shape{4, 2}), b.node().name() + "/paddings");
}

}  // namespace ferry::convert::onnx_to_tf::ops
