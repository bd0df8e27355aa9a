#include "tf/ops/conv_common.h"

#include <algorithm>

#include "kernels/transform.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {

Status ReadConvAttrs(const runtime::NodeInfo& info, TfConvAttrs* a) {
  FERRY_RETURN_IF_ERROR(RequireNhwc(info));
  FERRY_ASSIGN_OR_RETURN(a->strides, IntsAttr(info, "strides", true));
  FERRY_ASSIGN_OR_RETURN(a->dilations, IntsAttr(info, "dilations", false, {1, 1, 1, 1}));
  FERRY_ASSIGN_OR_RETURN(a->padding, StringAttr(info, "padding", true));
  FERRY_ASSIGN_OR_RETURN(a->pads, IntsAttr(info, "explicit_paddings", false));
  if (a->strides.size() != 4 || a->dilations.size() != 4)
    return info.Error("strides and dilations must have 4 entries");
  if (a->strides[0] != 1 || a->strides[3] != 1 || a->dilations[0] != 1 || a->dilations[3] != 1)
    return info.Error("strides and dilations on the batch and depth dims must be 1");
  if (a->padding == "EXPLICIT") {
    if (a->pads.size() != 8) return info.Error("explicit_paddings must have 8 entries");
    if (a->pads[0] || a->pads[1] || a->pads[6] || a->pads[7])
      return info.Error("explicit_paddings on the batch and depth dims must be 0");
  } else if (a->padding == "SAME" || a->padding == "VALID") {
    a->pads.assign(8, 0);
  } else {
    return info.Error("padding '" + a->padding + "' is not SAME, VALID or EXPLICIT");
  }
  return Status::Ok();
}

StatusOr<kernels::ConvParams> MakeConvParams(const TfConvAttrs& a, const Tensor& x, const Tensor& w,
                                             bool depthwise, const runtime::OpContext& ctx) {
  if (x.rank() != 4 || w.rank() != 4)
    return ctx.Error("input " + x.shape().ToString() + " and filter " + w.shape().ToString() +
                     " must both have rank 4");
  if (x.dtype() != DataType::kFloat32 || w.dtype() != DataType::kFloat32)
    return ctx.Error("only float32 is supported");
  if (w.dim(2) != x.dim(3))
    return ctx.Error("filter " + w.shape().ToString() + " expects " + std::to_string(w.dim(2)) +
                     " input channels, input " + x.shape().ToString() + " has " +
                     std::to_string(x.dim(3)));
  kernels::ConvParams p;
  p.layout = kernels::Layout::kNHWC;
  p.weight_layout = kernels::WeightLayout::kHWIO;
  p.batch = x.dim(0);
  p.in_h = x.dim(1);
  p.in_w = x.dim(2);
  p.in_channels = x.dim(3);
  p.kernel_h = w.dim(0);
  p.kernel_w = w.dim(1);
  p.out_channels = depthwise ? w.dim(2) * w.dim(3) : w.dim(3);
  p.groups = depthwise ? x.dim(3) : 1;
  p.stride_h = a.strides[1];
  p.stride_w = a.strides[2];
  p.dilation_h = a.dilations[1];
  p.dilation_w = a.dilations[2];
  const int64_t in[2] = {p.in_h, p.in_w}, k[2] = {p.kernel_h, p.kernel_w};
  int64_t before[2], after[2];
  for (int i = 0; i < 2; ++i) {
    auto win = ComputeWindow(in[i], k[i], a.strides[1 + i], a.dilations[1 + i], a.padding,
                             a.pads[2 + 2 * i], a.pads[3 + 2 * i]);
    if (!win.ok()) return ctx.Error(win.status().message());
    before[i] = win->pad_before;
    // The padding after that makes the kernel's floor-rounded size equal TF's.
    const int64_t ek = (k[i] - 1) * a.dilations[1 + i] + 1;
    after[i] =
        a.padding == "EXPLICIT"
            ? a.pads[3 + 2 * i]
            : std::max<int64_t>((win->out - 1) * a.strides[1 + i] + ek - in[i] - before[i], 0);
  }
  p.pad_top = before[0];
  p.pad_bottom = after[0];
  p.pad_left = before[1];
  p.pad_right = after[1];
  FERRY_RETURN_IF_ERROR(p.Validate().WithContext(ctx.node().Describe()));
  return p;
}

}  // namespace ferry::tf::ops

namespace ferry::tf::ops {

std::vector<float> ToChannelsFirst(const Tensor& x) {
  const int r = x.rank();
  std::vector<int> perm = {0, r - 1};
  for (int i = 1; i < r - 1; ++i) perm.push_back(i);
  std::vector<float> out(x.NumElements());
  kernels::Transpose(x.data<float>(), x.shape().dims(), perm, sizeof(float), out.data());
  return out;
}

void FromChannelsFirst(const float* src, const std::vector<int64_t>& cf_dims, float* dst) {
  const int r = static_cast<int>(cf_dims.size());
  std::vector<int> perm = {0};
  for (int i = 2; i < r; ++i) perm.push_back(i);
  perm.push_back(1);
  kernels::Transpose(src, cf_dims, perm, sizeof(float), dst);
}

std::vector<float> PermuteFilter(const Tensor& w, const std::vector<int>& perm) {
  std::vector<float> out(w.NumElements());
  kernels::Transpose(w.data<float>(), w.shape().dims(), perm, sizeof(float), out.data());
  return out;
}

StatusOr<PaddedWindow> ResolveWindow(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                                     const std::string& padding, int64_t explicit_before,
                                     int64_t explicit_after) {
  FERRY_ASSIGN_OR_RETURN(Window w, ComputeWindow(in, k, stride, dilation, padding,
                                                 explicit_before, explicit_after));
  PaddedWindow p;
  p.out = w.out;
  p.before = w.pad_before;
  const int64_t ek = (k - 1) * dilation + 1;
  p.after = padding == "EXPLICIT"
                ? explicit_after
                : std::max<int64_t>((w.out - 1) * stride + ek - in - w.pad_before, 0);
  return p;
}

}  // namespace ferry::tf::ops
