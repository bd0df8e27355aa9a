#include "convert/onnx_to_tf/ops/pool_common.h"

namespace ferry::convert::onnx_to_tf::ops {

StatusOr<PoolParams> ReadPoolParams(const ir::Node& n, const ValueFacts& x, bool allow_dilations) {
  const int r = x.rank();
  if (r < 3 || r > 5)
    return Unimplemented(n.Describe() + ": input 0 has rank " + std::to_string(r) +
                         ": only 1-D, 2-D and 3-D pooling converts to TF");
  PoolParams p;
  p.rank = r;
  FERRY_ASSIGN_OR_RETURN(
      p.onnx, ReadWindow(n, std::vector<ir::Dim>(x.dims->begin() + 2, x.dims->end()),
                         n.GetInts("kernel_shape")));
  for (int64_t d : p.onnx.d)
    if (d != 1 && (!allow_dilations || r == 5))
      return Unimplemented(n.Describe() + ": attribute 'dilations' other than 1 has no TF " +
                           (r == 5 ? "3-D pool" : "average pool"));
  p.w = p.onnx;
  if (n.GetInt("ceil_mode", 0) != 0) {
    // TF pools round down. Padding the end until rounding down reaches ONNX's last ceil-mode
    // window gives the same windows (each one starts inside the input or its begin padding).
    const std::vector<ir::Dim> ceil_out = WindowOutDims(p.onnx, true);
    const std::vector<ir::Dim> floor_out = WindowOutDims(p.onnx, false);
    for (int i = 0; i < p.onnx.rank(); ++i) {
      if (ceil_out[i] == floor_out[i]) continue;
      if (!p.onnx.in[i].known())
        return Unimplemented(n.Describe() +
                             ": attribute 'ceil_mode' = 1 needs static spatial dims");
      p.ceil = true;
      p.w.pads[i + p.onnx.rank()] += (ceil_out[i].value - 1) * p.w.s[i] +
                                     (p.w.k[i] - 1) * p.w.d[i] + 1 -
                                     (p.w.in[i].value + p.w.begin(i) + p.w.end(i));
    }
  }
  if (r == 3) p.w = LiftTo2D(p.w);
  p.padding = TfPaddingOf(p.w);
  return p;
}

void InferPool(const ir::Node& n, InferContext& ctx) {
  ValueFacts& out = ctx.out(0);
  const ValueFacts& x = ctx.in(0);
  out.dtype = x.dtype;
  const int r = x.rank();
  if (r < 3) return;
  auto w = ReadWindow(n, std::vector<ir::Dim>(x.dims->begin() + 2, x.dims->end()),
                      n.GetInts("kernel_shape"));
  if (!w.ok()) return;
  std::vector<ir::Dim> dims = {(*x.dims)[0], (*x.dims)[1]};
  for (const ir::Dim& d : WindowOutDims(*w, n.GetInt("ceil_mode", 0) != 0)) dims.push_back(d);
  out.dims = dims;
}

ir::Value* EmitPool(TfBuilder& b, bool max, const PoolParams& p, ir::Value* x,
                    const std::string& padding, const std::string& name) {
  std::vector<int64_t> ksize = {1}, strides = {1};
  for (int i = 0; i < p.w.rank(); ++i) {
    ksize.push_back(p.w.k[i]);
    strides.push_back(p.w.s[i]);
  }
  ksize.push_back(1);
  strides.push_back(1);
  const bool three_d = p.tf_rank() == 5;
  const std::string op = std::string(max ? "MaxPool" : "AvgPool") + (three_d ? "3D" : "");
  return b
      .Emit(op, {x},
            {{"T", TypeAttr(DataType::kFloat32)},
             {"ksize", ir::Attribute::Ints(ksize)},
             {"strides", ir::Attribute::Ints(strides)},
             {"padding", ir::Attribute::String(padding)},
             {"data_format", ir::Attribute::String(three_d ? "NDHWC" : "NHWC")}},
            DataType::kFloat32, name)
      ->output(0);
}

}  // namespace ferry::convert::onnx_to_tf::ops
