// Attribute handling shared by the MaxPool and AveragePool converters.
#pragma once

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {

struct PoolParams {
  std::vector<int64_t> k, s, pads;  // pads [top, left, bottom, right]
  std::vector<ir::Dim> hw;          // input spatial dims
  std::string padding;              // TF padding equivalent to pads: VALID, SAME or EXPLICIT
};

// Reads kernel_shape, strides, dilations (must be 1), auto_pad/pads and ceil_mode (allowed
// only where it yields the floor-mode size) for a 4-D NCHW input.
// ceil_by_padding (MaxPool): ceil_mode = 1 becomes extra end padding (the caller pads with
// -inf); otherwise a ceil_mode that changes the output size is an error.
StatusOr<PoolParams> ReadPoolParams(const ir::Node& n, const ValueFacts& x,
                                    bool ceil_by_padding = false);
// Output facts of an ONNX pool: [N, C, out_h, out_w].
void InferPool(const ir::Node& n, InferContext& ctx);
// TF attributes of MaxPool/AvgPool with the given padding.
Attrs PoolAttrs(const PoolParams& p, const std::string& padding);
// TF Pad/PadV2 paddings [[0,0],[t,b],[l,r],[0,0]] (NHWC) as an int32 [4, 2] constant.
ir::Value* NhwcPaddings(TfBuilder& b, const std::vector<int64_t>& pads);

}  // namespace ferry::convert::onnx_to_tf::ops
