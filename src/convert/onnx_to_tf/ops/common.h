// Helpers shared by the converters of ops/.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "convert/onnx_to_tf/op_converter.h"

namespace ferry::convert::onnx_to_tf::ops {

using Attrs = std::vector<std::pair<std::string, ir::Attribute>>;

inline ir::Attribute TypeAttr(DataType t) { return ir::Attribute::Type(TfDType(t)); }

// TF StridedSlice of x (ONNX dtype t; the TF op runs in TfDType(t)) by int32 begin / end /
// strides tensors. Bit i of a mask applies to axis i, as in TF: begin / end take the axis
// whole from its start / to its end, shrink_axis drops the axis (begin must index one element).
struct SliceMasks {
  int64_t begin = 0, end = 0, shrink_axis = 0;
};
ir::Value* EmitStridedSlice(TfBuilder& b, ir::Value* x, ir::Value* begin, ir::Value* end,
                            ir::Value* strides, DataType t, SliceMasks masks = {},
                            const std::string& out_name = "");

// NumPy broadcast of two symbolic shapes; nullopt when a rank is unknown.
StatusOr<std::optional<std::vector<ir::Dim>>> BroadcastDims(const ValueFacts& a,
                                                            const ValueFacts& b,
                                                            const InferContext& ctx);

// Output size of one spatial dim of an ONNX Conv/pool (floor or ceil mode); unknown when in is.
ir::Dim WindowOut(const ir::Dim& in, int64_t k, int64_t stride, int64_t dilation, int64_t pad_begin,
                  int64_t pad_end, bool ceil_mode = false);

// ONNX pads for a conv/pool from auto_pad and pads: [top, left, bottom, right]. SAME_UPPER /
// SAME_LOWER need static spatial sizes.
StatusOr<std::vector<int64_t>> ResolvePads(const ir::Node& n, const std::vector<ir::Dim>& in_hw,
                                           const std::vector<int64_t>& k,
                                           const std::vector<int64_t>& s,
                                           const std::vector<int64_t>& d);

// TF padding for ONNX pads [top, left, bottom, right]: "VALID" when all zero, "SAME" when
// the static sizes make TF's SAME split identical, else "EXPLICIT".
std::string TfPadding(const std::vector<ir::Dim>& in_hw, const std::vector<int64_t>& k,
                      const std::vector<int64_t>& s, const std::vector<int64_t>& d,
                      const std::vector<int64_t>& pads);

// Checks the 2-D conv/pool spatial attribute lists have 2 entries.
Status CheckSpatial(const ir::Node& n, const std::string& attr, const std::vector<int64_t>& v);

}  // namespace ferry::convert::onnx_to_tf::ops

namespace ferry::convert::onnx_to_tf::ops {

// Reorders the K axis of a constant weight B ([K, N], or [N, K] when trans_b) so that it
// multiplies a [M, K] activation flattened from NHWC (feature order h, w, c) exactly as
// the original multiplied the NCHW flatten (order c, h, w). chw = {C, H, W}, or {C, D, H, W}
// for a flatten of NDHWC (order d, h, w, c against c, d, h, w).
StatusOr<Tensor> PermuteFlatRows(const Tensor& b, bool trans_b, const std::vector<int64_t>& chw);

// Facts of a 2-D matrix product output [M, N].
void InferMatMul2D(const ValueFacts& a, const ValueFacts& b, bool trans_a, bool trans_b,
                   ValueFacts* out);

}  // namespace ferry::convert::onnx_to_tf::ops
