// Load-time graph optimization for the runtime: rewrites the runtime's own copy of a graph
// into an equivalent one that runs faster. onnxruntime's "basic + extended" levels are the
// model (constant folding, Conv+BatchNormalization folding, Conv/Gemm + activation fusion),
// plus a layout choice that keeps convolution outputs in oneDNN's channel-blocked format
// between consecutive convolutions.
//
// Fused nodes keep their ONNX op type and carry "_ferry_*" attributes (fused_attrs.h), so
// the result stays valid IR for the session; it must never be exported, which is why the
// session optimizes a copy (OptimizedCopy) and callers' graphs are left as they were.
#pragma once

#include <memory>

#include "core/status.h"
#include "ir/graph.h"
#include "runtime/opset.h"

namespace ferry::runtime::optimize {

struct OptimizeOptions {
  // Runs nodes whose inputs are all constants through this op set (nullptr: no folding).
  const OpSet* ops = nullptr;
  bool constant_folding = true;
  bool fold_batch_norm = true;
  bool fuse_layer_norm = true;   // torch's decomposed LayerNorm -> ai.ferry:LayerNormalization
  bool fuse_residual = true;     // Conv + Add -> Conv with a sum post-op
  bool fuse_matmul_bias = true;  // MatMul(x, constant W) + Add(constant bias) -> one MatMul
  bool hoist_activation = true;  // Relu above MaxPool/Flatten/Reshape, next to a Conv/Gemm
  bool fuse_activation = true;   // Conv/Gemm + Relu/Clip/... -> one node
  bool fuse_pool = true;         // Conv + MaxPool -> one node
  bool fuse_tf = true;           // TF Conv2D/MatMul + BiasAdd (+ AddV2) (+ Relu/Relu6) -> one node
  bool fuse_elementwise = true;  // chains of elementwise float ops -> ai.ferry:ElementwiseChain
  bool blocked_layout = true;    // Conv -> Conv edges stay channel-blocked
  bool dead_code = true;
};

// What the passes did, for tests and `ferry inspect`-style reports.
struct OptimizeStats {
  int folded_constants = 0;
  int removed_dead = 0;
  int folded_batch_norms = 0;
  int fused_layer_norms = 0;
  int fused_biases = 0;
  int fused_residuals = 0;
  int hoisted_activations = 0;
  int fused_activations = 0;
  int fused_pools = 0;
  int fused_tf = 0;  // BiasAdd, AddV2 and activation nodes absorbed by TF Conv2D/MatMul
  int fused_chains = 0;
  int blocked_edges = 0;
};

// Runs the enabled passes in order: constant folding, dead code, BatchNormalization
// folding, LayerNorm fusion, residual fusion, MatMul bias fusion, activation hoisting,
// activation fusion, pool fusion, TF Conv2D/MatMul fusion, elementwise chains, blocked layout,
// dead code.
StatusOr<OptimizeStats> OptimizeGraph(ir::Graph& g, const OptimizeOptions& options);

// A copy of g's top level sharing constant buffers and subgraph attributes; names, value
// infos, opset imports and metadata are kept.
std::shared_ptr<ir::Graph> CopyGraph(const ir::Graph& g);

// The graph a session should run: an optimized copy of `g`, or `g` itself when optimizing
// would change what the session reports (an op the op set lacks, a bad attribute) or cannot
// be done safely (subgraphs, which reach outer values by name; a subgraph itself).
StatusOr<std::shared_ptr<const ir::Graph>> OptimizedCopy(std::shared_ptr<const ir::Graph> g,
                                                         const OpSet& ops);

// The passes, each in its own file; every one returns how many rewrites it made.
int FoldConstants(ir::Graph& g, const OpSet& ops);
int EliminateDeadCode(ir::Graph& g);
int FoldBatchNorm(ir::Graph& g);
int FuseLayerNorm(ir::Graph& g);
int FuseResidual(ir::Graph& g);
int FuseMatMulBias(ir::Graph& g);
int HoistActivation(ir::Graph& g);
int FuseActivation(ir::Graph& g);
int FusePool(ir::Graph& g);
int FuseTf(ir::Graph& g);
int FuseElementwiseChains(ir::Graph& g);
int ChooseBlockedLayout(ir::Graph& g);

}  // namespace ferry::runtime::optimize
