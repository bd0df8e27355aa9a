// Pass 2: decides where each 4-D and 5-D activation lives (NHWC / NDHWC inside, ONNX's
// NCHW / NCDHW at the graph boundary) before any node is lowered. 5-D values follow the 4-D
// rules with NDHWC for NHWC: the channel axis 1 goes last, spatial axis k >= 2 to k - 1
// (ToNhwcPerm / NhwcAxis in op_converter.h); "NHWC" below means either. Rules, in
// topological order:
//   kNhwcNative ops take NHWC and produce NHWC; kAgnostic and kChannelAxis ops follow their
//   non-constant inputs when one is NHWC and all are 4-D, or all 5-D, with no constant of
//   higher rank (a kChannelAxis op may decline through OpConverter::AcceptsNhwc). On 5-D
//   values a node of any kind needs OpConverter::AcceptsNdhwc too (the elementwise ops, and
//   the converters that handle NDHWC: Conv, pools, normalisations, Concat, Slice, ...).
//   NCHW-only ops get NCHW back. A node's outputs of its own rank are NHWC; lower-rank ones
//   (a reduction that drops axes keeping ONNX's order) are plain.
//   Flatten / Reshape to [N, C*H*W] of an NHWC value stay NHWC when H*W == 1 (the element
//   order is the same) or when every user is a Gemm/MatMul with constant weights, whose
//   rows the converter permutes (the value is then kFlatNhwc; agnostic one-input nodes such
//   as SimpleCNN's Relu after Flatten pass it through); otherwise they get NCHW.
//   Transpose and Shape of an NHWC value fold the layout into their own perm / gather.
//   A Transpose whose output can live NHWC at no cost (perm (0, 3, 1, 2) / (0, 4, 1, 2, 3)
//   of a plain value, the identity of an NHWC one) gets an NHWC output: with the
//   NHWC->NCHW permute a model does itself (convnext's permute(0, 2, 3, 1), which folds
//   into an identity), the chain between the two permutes runs channels-last on plain
//   values and costs no Transpose.
//   A channel shuffle of an NHWC value (Reshape [N, g, C/g, H, W] -> Transpose (0, 2, 1, 3, 4)
//   -> Reshape [N, C, H, W], shufflenet) runs channels-last: its 5-D values are kShuffle
//   (not NDHWC), stored [N, H, W, g, C/g] and [N, H, W, C/g, g], and only these three nodes
//   read them.
// Transposes are then materialised by TfBuilder only at 4-D / 5-D graph inputs, at NHWC
// graph outputs, and where an NCHW-only op meets an NHWC value (none for the CNNs we target;
// tests/unit/convert/ndhwc_test.cc for a 3-D convnet).
#pragma once

#include "convert/onnx_to_tf/passes/infer_facts.h"

namespace ferry::convert::onnx_to_tf {

struct PlanOptions {
  // --keep-nchw: no layout change. Every value stays in ONNX's layout; only the kNhwcNative
  // ops (Conv, pools, BatchNormalization, Resize) run NHWC (NDHWC for the 5-D ones that
  // accept it) between a Transpose pair, because
  // TF's CPU kernels for Conv2D, MaxPool and AvgPool implement only NHWC
  // (data_format "NCHW" is GPU-only there, and TF.js has no NCHW Conv2D).
  bool keep_nchw = false;
  // --input-layout NHWC: 4-D graph inputs arrive NHWC, 5-D ones NDHWC (no Transpose behind
  // them).
  bool input_nhwc = false;
};

LayoutPlan PlanLayouts(const ir::Graph& g, const std::vector<ir::Node*>& order,
                       const ConverterOf& converters, const FactsMap& facts,
                       const PlanOptions& options = {});

}  // namespace ferry::convert::onnx_to_tf
