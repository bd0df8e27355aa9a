#include "convert/onnx_to_tf/ops/common.h"

#include <algorithm>

namespace ferry::convert::onnx_to_tf::ops {

ir::Value* EmitStridedSlice(TfBuilder& b, ir::Value* x, ir::Value* begin, ir::Value* end,
                            ir::Value* strides, DataType t, SliceMasks masks,
                            const std::string& out_name) {
  return b
      .Emit("StridedSlice", {x, begin, end, strides},
            {{"T", TypeAttr(t)},
             {"Index", ir::Attribute::Type(DataType::kInt32)},
             {"begin_mask", ir::Attribute::Int(masks.begin)},
             {"end_mask", ir::Attribute::Int(masks.end)},
             {"ellipsis_mask", ir::Attribute::Int(0)},
             {"new_axis_mask", ir::Attribute::Int(0)},
             {"shrink_axis_mask", ir::Attribute::Int(masks.shrink_axis)}},
            TfDType(t), out_name)
      ->output(0);
}

StatusOr<std::optional<std::vector<ir::Dim>>> BroadcastDims(const ValueFacts& a,
                                                            const ValueFacts& b,
                                                            const InferContext& ctx) {
  if (!a.dims || !b.dims) return std::optional<std::vector<ir::Dim>>();
  const auto& da = *a.dims;
  const auto& db = *b.dims;
  const size_t r = std::max(da.size(), db.size());
  std::vector<ir::Dim> out(r);
  for (size_t i = 0; i < r; ++i) {
    const ir::Dim one = ir::Dim::Known(1);
    const ir::Dim& x = i + da.size() >= r ? da[i + da.size() - r] : one;
    const ir::Dim& y = i + db.size() >= r ? db[i + db.size() - r] : one;
    if (x == one)
      out[i] = y;
    else if (y == one)
      out[i] = x;
    else if (x.known() && y.known() && x.value != y.value)
      return ctx.Error("shapes are not broadcastable: dim " + std::to_string(x.value) + " vs " +
                       std::to_string(y.value));
    else
      out[i] = x.known() ? x : y;
  }
  return std::optional<std::vector<ir::Dim>>(out);
}

ir::Dim WindowOut(const ir::Dim& in, int64_t k, int64_t stride, int64_t dilation, int64_t pad_begin,
                  int64_t pad_end, bool ceil_mode) {
  if (!in.known()) return ir::Dim::Unknown();
  const int64_t span = in.value + pad_begin + pad_end - ((k - 1) * dilation + 1);
  int64_t out = (ceil_mode ? (span + stride - 1) / stride : span / stride) + 1;
  // ONNX MaxPool-10 ceil_mode: the last window must start inside the (left-padded) input.
  if (ceil_mode && (out - 1) * stride >= in.value + pad_begin) --out;
  return ir::Dim::Known(std::max<int64_t>(out, 0));
}

StatusOr<std::vector<int64_t>> ResolvePads(const ir::Node& n, const std::vector<ir::Dim>& in_hw,
                                           const std::vector<int64_t>& k,
                                           const std::vector<int64_t>& s,
                                           const std::vector<int64_t>& d) {
  const std::string auto_pad = n.GetString("auto_pad", "NOTSET");
  if (auto_pad == "NOTSET") {
    std::vector<int64_t> pads = n.GetInts("pads", {0, 0, 0, 0});
    if (pads.size() != 4)
      return InvalidArgument(n.Describe() + ": attribute 'pads' has " +
                             std::to_string(pads.size()) + " entries, expected 4");
    return pads;
  }
  if (auto_pad == "VALID") return std::vector<int64_t>{0, 0, 0, 0};
  if (auto_pad != "SAME_UPPER" && auto_pad != "SAME_LOWER")
    return InvalidArgument(n.Describe() + ": attribute 'auto_pad' is '" + auto_pad + "'");
  std::vector<int64_t> pads(4);
  for (int i = 0; i < 2; ++i) {
    if (!in_hw[i].known())
      return Unimplemented(n.Describe() + ": attribute 'auto_pad' " + auto_pad +
                           " needs static spatial dims");
    const int64_t out = (in_hw[i].value + s[i] - 1) / s[i];
    const int64_t total =
        std::max<int64_t>((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in_hw[i].value, 0);
    const int64_t small = total / 2;
    pads[i] = auto_pad == "SAME_UPPER" ? small : total - small;
    pads[i + 2] = total - pads[i];
  }
  return pads;
}

std::string TfPadding(const std::vector<ir::Dim>& in_hw, const std::vector<int64_t>& k,
                      const std::vector<int64_t>& s, const std::vector<int64_t>& d,
                      const std::vector<int64_t>& pads) {
  if (std::all_of(pads.begin(), pads.end(), [](int64_t p) { return p == 0; })) {
    return "VALID";
  }
  bool same = true;
  for (int i = 0; i < 2; ++i) {
    if (!in_hw[i].known()) return "EXPLICIT";
    // TF SAME: out = ceil(in / s), total padding split with the odd element after
    // (tensorflow/core/framework/kernel_shape_util.cc).
    const int64_t out = (in_hw[i].value + s[i] - 1) / s[i];
    const int64_t total =
        std::max<int64_t>((out - 1) * s[i] + (k[i] - 1) * d[i] + 1 - in_hw[i].value, 0);
    same &= pads[i] == total / 2 && pads[i + 2] == total - total / 2;
  }
  return same ? "SAME" : "EXPLICIT";
}

Status CheckSpatial(const ir::Node& n, const std::string& attr, const std::vector<int64_t>& v) {
  if (v.size() != 2)
    return Unimplemented(n.Describe() + ": attribute '" + attr + "' has " +
                         std::to_string(v.size()) + " entries: only 2-D (4-D tensor) " +
                         "convolution and pooling convert to TF");
  for (int64_t x : v)
    if (x <= 0)
      return InvalidArgument(n.Describe() + ": attribute '" + attr + "' must be positive");
  return Status::Ok();
}

}  // namespace ferry::convert::onnx_to_tf::ops

namespace ferry::convert::onnx_to_tf::ops {

StatusOr<Tensor> PermuteFlatRows(const Tensor& b, bool trans_b, const std::vector<int64_t>& chw) {
  // s: the spatial positions (H*W, or D*H*W for a flatten of NDHWC), in the same order in
  // both layouts.
  const int64_t c = chw[0];
  int64_t s = 1;
  for (size_t i = 1; i < chw.size(); ++i) s *= chw[i];
  const int64_t k = c * s;
  const int64_t kb = trans_b ? b.dim(1) : b.dim(0);
  if (b.rank() != 2 || kb != k || b.dtype() != DataType::kFloat32)
    return InvalidArgument("weight " + b.DebugString() +
                           " does not match a flatten of C*H*W = " + std::to_string(k));
  const int64_t n = trans_b ? b.dim(0) : b.dim(1);
  Tensor out(b.dtype(), b.shape());
  const float* src = b.data<float>();
  float* dst = out.data<float>();
  for (int64_t y = 0; y < s; ++y) {
    for (int64_t ch = 0; ch < c; ++ch) {
      const int64_t p = y * c + ch;  // NHWC flatten position
      const int64_t q = ch * s + y;  // NCHW flatten position
      for (int64_t j = 0; j < n; ++j) {
        if (trans_b)
          dst[j * k + p] = src[j * k + q];
        else
          dst[p * n + j] = src[q * n + j];
      }
    }
  }
  return out;
}

void InferMatMul2D(const ValueFacts& a, const ValueFacts& b, bool trans_a, bool trans_b,
                   ValueFacts* out) {
  out->dtype = a.dtype;
  if (a.rank() != 2 || b.rank() != 2) return;
  out->dims = std::vector<ir::Dim>{(*a.dims)[trans_a ? 1 : 0], (*b.dims)[trans_b ? 0 : 1]};
}

}  // namespace ferry::convert::onnx_to_tf::ops
