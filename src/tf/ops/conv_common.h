// Attribute handling shared by TF Conv2D and DepthwiseConv2dNative, and the mapping of
// their NHWC/HWIO operands onto kernels::ConvParams.
#pragma once

#include <string>
#include <vector>

#include "core/tensor.h"
#include "kernels/conv.h"
#include "runtime/op.h"

namespace ferry::tf::ops {

struct TfConvAttrs {
  std::vector<int64_t> strides, dilations, pads;  // pads: explicit_paddings (8) or zeros
  std::string padding;
};

// Reads strides, dilations, padding, explicit_paddings and data_format (NHWC only).
Status ReadConvAttrs(const runtime::NodeInfo& info, TfConvAttrs* a);

// ConvParams for input x [N, H, W, C] and filter w: HWIO [kh, kw, C, O] (Conv2D) or
// [kh, kw, C, M] (depthwise: groups = C, out_channels = C * M, read as HWIO [kh, kw, 1, C*M],
// see kernels/layout.h). SAME splits the padding as TF does, odd element after.
StatusOr<kernels::ConvParams> MakeConvParams(const TfConvAttrs& a, const Tensor& x, const Tensor& w,
                                             bool depthwise, const runtime::OpContext& ctx);

// The N-D ops (Conv3D, the pools in 3-D, Conv2DBackpropInput) run kernels/conv_nd.h, which
// takes channels-first tensors: these move a float32 channels-last tensor [N, spatial..., C]
// to [N, C, spatial...] and back.
std::vector<float> ToChannelsFirst(const Tensor& x);
// src is [N, C, spatial...] (cf_dims); writes [N, spatial..., C] to dst.
void FromChannelsFirst(const float* src, const std::vector<int64_t>& cf_dims, float* dst);
// A filter's elements reordered by perm (any rank, float32).
std::vector<float> PermuteFilter(const Tensor& w, const std::vector<int>& perm);

// One spatial dim of a TF windowed op for padding SAME / VALID / EXPLICIT: output size and
// the padding before and after it (SAME: odd element after).
struct PaddedWindow {
  int64_t out = 0, before = 0, after = 0;
};
StatusOr<PaddedWindow> ResolveWindow(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                                     const std::string& padding, int64_t explicit_before,
                                     int64_t explicit_after);

}  // namespace ferry::tf::ops
