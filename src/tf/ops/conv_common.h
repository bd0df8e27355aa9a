// Attribute handling shared by TF Conv2D and DepthwiseConv2dNative, and the mapping of
// their NHWC/HWIO operands onto kernels::ConvParams.
#pragma once

#include <string>
#include <vector>

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

}  // namespace ferry::tf::ops
