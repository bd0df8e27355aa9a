// N-D windows (1-D, 2-D, 3-D) of ONNX Conv, ConvTranspose and the pools, and the
// channels-last views TF's windowed ops need.
//
// Layout choice: the to_nhwc pass lays out 4-D and 5-D tensors, so a 2-D (3-D) op's input
// arrives NHWC (NDHWC) and its output stays so. A 1-D op (rank 3), or a 3-D op the plan left
// channels-first (a 5-D op whose converter does not accept NDHWC), gets its input in ONNX's
// channels-first order; the converter transposes it to channels-last around the TF op (a
// 1-D op also gains a unit H dim through ExpandDims/Squeeze, so that it runs as a 2-D TF op:
// TF has no 1-D pools, and TF.js's Conv1D is Conv2D underneath). Those Transposes are
// interior ones; the torchvision, UNet and 3-D convnet models have none.
#pragma once

#include <string>
#include <vector>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {

// An ONNX window over r spatial dims. pads are ONNX's [x1_begin, x2_begin, ..., x1_end, ...].
struct NdWindow {
  std::vector<ir::Dim> in;
  std::vector<int64_t> k, s, d, pads;
  int rank() const { return static_cast<int>(in.size()); }
  int64_t begin(int i) const { return pads[i]; }
  int64_t end(int i) const { return pads[i + in.size()]; }
};

// Reads strides, dilations (default 1) and auto_pad / pads of node n for input spatial dims
// `in` and kernel k; checks every list has in.size() positive entries. SAME_UPPER /
// SAME_LOWER need static spatial dims.
StatusOr<NdWindow> ReadWindow(const ir::Node& n, const std::vector<ir::Dim>& in,
                              const std::vector<int64_t>& k);

// Output spatial dims of a Conv / pool over w (floor, or ceil mode for pools).
std::vector<ir::Dim> WindowOutDims(const NdWindow& w, bool ceil_mode = false);

// TF padding for w: "VALID" when no padding, "SAME" when TF's SAME split (odd element after,
// tensorflow/core/framework/kernel_shape_util.cc) gives exactly w's pads, else "EXPLICIT".
std::string TfPaddingOf(const NdWindow& w);

// Prepends a unit spatial dim (k = s = d = 1, no padding): a 1-D window as a 2-D one.
NdWindow LiftTo2D(const NdWindow& w);

// TF int32 paddings [[0,0], [b1,e1], ..., [0,0]] for a channels-last tensor (Pad/PadV2/MirrorPad).
ir::Value* ChannelsLastPaddings(TfBuilder& b, const NdWindow& w);

// Emits a Transpose of v by perm.
ir::Value* EmitTranspose(TfBuilder& b, ir::Value* v, const std::vector<int64_t>& perm,
                         const std::string& name = "");

// The channels-last TF value of activation input i of rank 3, 4 or 5: rank 4 / 5 as the
// layout plan delivers it in a channels-last node (NHWC / NDHWC); otherwise rank 3
// [N, C, L] -> [N, 1, L, C], rank 4 NCHW -> NHWC, rank 5 NCDHW -> NDHWC.
StatusOr<ir::Value*> ChannelsLastInput(TfBuilder& b, int i);

// The name the TF op computing the channels-last result should take: b.OutName(0) in a
// channels-last node (it is the output), empty (a fresh name) when FinishChannelsLast still
// adds nodes.
std::string ChannelsLastOutName(TfBuilder& b, int rank);

// The inverse for output 0 of ONNX rank `rank`: y is [N, 1, L, C] (rank 3), NHWC (rank 4)
// or NDHWC (rank 5); left as is in a channels-last node (the plan wants it so). The last
// node is named b.OutName(0).
ir::Value* FinishChannelsLast(TfBuilder& b, ir::Value* y, int rank);

}  // namespace ferry::convert::onnx_to_tf::ops

namespace ferry::convert::onnx_to_tf::ops {

// StridedSlice of v (rank r) to [begin, end) along its last axis.
ir::Value* SliceLastAxis(TfBuilder& b, ir::Value* v, int r, int64_t begin, int64_t end);
// ConcatV2 of vs along their last axis (rank r), named name (fresh when empty).
ir::Value* ConcatLastAxis(TfBuilder& b, const std::vector<ir::Value*>& vs, int r,
                          const std::string& name = "");
// Rows [begin, end) of a constant's first axis (an OI... weight's output channels).
Tensor SliceRows(const Tensor& t, int64_t begin, int64_t end);
// A float32 OI<spatial> kernel with dilations folded in: zeros between the taps, so that a
// TF op without (or with unreliable) dilation support computes the dilated window.
Tensor DilateKernel(const Tensor& w, const std::vector<int64_t>& d);

}  // namespace ferry::convert::onnx_to_tf::ops
