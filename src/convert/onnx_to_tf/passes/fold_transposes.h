// Pass 3 (after lowering, on the TF graph): removes Transpose nodes that TF can express
// otherwise. The layout plan (to_nhwc) leaves the Transposes a model asks for itself; these
// rules fold the ones whose effect another op already has:
//   chain:   a chain of Transpose / Reshape nodes (constant perm and shape, batch axis kept
//            first) whose composite, simulated on an index tensor, is a plain reshape
//            becomes one Reshape; one that only permutes the last axis (a channel shuffle,
//            Reshape [N, H, W, g, C/g] -> Transpose (0, 1, 2, 4, 3) -> Reshape [N, H, W, C])
//            becomes one GatherV2 on that axis with constant indices.
//   sink:    a Transpose feeding an elementwise op with a one-element constant (the
//            attention's q / sqrt(d)) moves below it, so that it meets a MatMul.
//   matmul:  a Transpose feeding MatMul / BatchMatMulV2 and a Transpose fed by one
//            become the product's adj_x / adj_y (swap of the last two axes) or one
//            Einsum (two operands, no ellipsis, no repeated label: TF.js 4.22 runs it)
//            whose subscripts carry the permutations.
// Every rewrite builds new values and leaves the replaced ones dead (the driver's dead-code
// elimination drops them, and with them their per-node check records).
#pragma once

#include <unordered_map>
#include <vector>

#include "core/status.h"
#include "ir/graph.h"

namespace ferry::convert::onnx_to_tf {

// Known dims of TF values (from the ONNX facts, in the TF layout); constants need no entry.
using TfDims = std::unordered_map<const ir::Value*, std::vector<ir::Dim>>;

struct FoldStats {
  int chains_to_reshape = 0;  // Transpose/Reshape chains that became one Reshape (or nothing)
  int chains_to_gather = 0;   // ... that became one GatherV2 on the last axis
  int sunk = 0;               // Transposes moved below an elementwise op
  int matmul_adj = 0;         // Transposes folded into adj_x / adj_y / transpose_a / _b
  int matmul_einsum = 0;      // products rewritten as Einsum
  int rows = 0;               // Transposes moved into an Einsum through row-wise ops
  int transposes_before = 0, transposes_after = 0;
};

// Rewrites `tf` in place (graph outputs keep their values). `dims` is updated for the new
// values.
Status FoldTransposes(ir::Graph& tf, TfDims& dims, FoldStats* stats = nullptr);

}  // namespace ferry::convert::onnx_to_tf
