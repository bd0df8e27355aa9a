// Attributes the load-time optimizer (optimize.h) puts on the nodes it fuses. They live only
// on the runtime's own copy of a graph (Session::Create optimizes a copy), never in a graph
// that is exported: every name starts with "_ferry_", which no ONNX or TF op defines.
//
//   _ferry_activation (string)    Relu, Clip, LeakyRelu, Sigmoid, Tanh or HardSwish, applied
//                                 to the node's output (Conv, Gemm).
//   _ferry_activation_alpha/beta  Clip's min/max, LeakyRelu's alpha.
//   _ferry_residual (int 1)       Conv: input 3 is added to the output before the activation
//                                 (a folded Add; same shape as the output).
//   _ferry_pool_kernel/strides/pads (ints), _ferry_pool_ceil (int)
//                                 Conv: the output is max-pooled with these MaxPool
//                                 attributes (2-D, no dilation) before it is written.
//   _ferry_bias (int 1)           MatMul with a constant [k, n] B: input 2, a constant of n
//                                 elements, is added to every output row (a folded Add).
//   _ferry_blocked_output (int 1) Conv: every user is a Conv that reads channel-blocked data,
//                                 so the output may be written blocked (kernels/conv.h).
//
// Patterns with no ONNX op of the graph's opset become ops of ferry's private domain
// kFerryDomain (version 1; the pass adds the opset import to the copy):
//   ai.ferry:LayerNormalization(X, Scale?, B?; epsilon)
//                                 torch's decomposed LayerNorm over the last axis
//                                 (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt, Div,
//                                 Mul, Add), computed in one pass in the same float steps.
#pragma once

#include <string>

#include "core/status.h"
#include "ir/graph.h"
#include "kernels/layout.h"

namespace ferry::runtime::optimize {

inline constexpr char kActivationAttr[] = "_ferry_activation";
inline constexpr char kActivationAlphaAttr[] = "_ferry_activation_alpha";
inline constexpr char kActivationBetaAttr[] = "_ferry_activation_beta";
inline constexpr char kResidualAttr[] = "_ferry_residual";
inline constexpr char kBiasAttr[] = "_ferry_bias";
inline constexpr char kFerryDomain[] = "ai.ferry";
inline constexpr char kBlockedOutputAttr[] = "_ferry_blocked_output";
// kBlockedOutputAttr's values: 1, the CPU's preferred blocking (kernels::ConvBlockedDims);
// 2, nChw16c (kernels::ConvBlocked16Dims), chosen between Winograd candidates.
inline constexpr int64_t kBlockedOutputPreferred = 1;
inline constexpr int64_t kBlockedOutput16c = 2;
inline constexpr char kPoolKernelAttr[] = "_ferry_pool_kernel";
inline constexpr char kPoolStridesAttr[] = "_ferry_pool_strides";
inline constexpr char kPoolPadsAttr[] = "_ferry_pool_pads";
inline constexpr char kPoolCeilAttr[] = "_ferry_pool_ceil";

// The fused activation of `node` (kNone without the attribute), or an error naming the node.
inline StatusOr<kernels::FusedActivation> ReadFusedActivation(const ir::Node& node) {
  kernels::FusedActivation a;
  const std::string name = node.GetString(kActivationAttr, "");
  const float alpha = node.GetFloat(kActivationAlphaAttr, 0.0f);
  const float beta = node.GetFloat(kActivationBetaAttr, 0.0f);
  if (name.empty()) return a;
  if (name == "Relu") {
    a.kind = kernels::Activation::kRelu;
  } else if (name == "Clip") {
    a.kind = kernels::Activation::kClip;
    a.min = alpha;
    a.max = beta;
  } else if (name == "LeakyRelu") {
    a.kind = kernels::Activation::kLeakyRelu;
    a.alpha = alpha;
  } else if (name == "Sigmoid") {
    a.kind = kernels::Activation::kSigmoid;
  } else if (name == "Tanh") {
    a.kind = kernels::Activation::kTanh;
  } else if (name == "HardSwish") {
    a.kind = kernels::Activation::kHardSwish;
  } else {
    return InvalidArgument(node.Describe() + ": unknown fused activation '" + name + "'");
  }
  return a;
}

}  // namespace ferry::runtime::optimize
