#include "tf/ops/conv_common.h"

#include <algorithm>

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
