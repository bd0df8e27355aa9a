#include "runtime/optimize/optimize.h"

#include <cstdlib>
#include <string>
#include <unordered_map>

namespace ferry::runtime::optimize {

StatusOr<OptimizeStats> OptimizeGraph(ir::Graph& g, const OptimizeOptions& options) {
  OptimizeStats stats;
  if (options.constant_folding && options.ops) stats.folded_constants = FoldConstants(g, *options.ops);
  if (options.dead_code) stats.removed_dead += EliminateDeadCode(g);
  if (options.fold_batch_norm) stats.folded_batch_norms = FoldBatchNorm(g);
  if (options.fuse_layer_norm) stats.fused_layer_norms = FuseLayerNorm(g);
  if (options.fuse_residual) stats.fused_residuals = FuseResidual(g);
  if (options.fuse_matmul_bias) stats.fused_biases = FuseMatMulBias(g);
  if (options.hoist_activation) stats.hoisted_activations = HoistActivation(g);
  if (options.fuse_activation) stats.fused_activations = FuseActivation(g);
  if (options.fuse_pool) stats.fused_pools = FusePool(g);
  if (options.fuse_tf) stats.fused_tf = FuseTf(g);
  if (options.fuse_elementwise) stats.fused_chains = FuseElementwiseChains(g);
  if (options.blocked_layout) stats.blocked_edges = ChooseBlockedLayout(g);
  if (options.dead_code) stats.removed_dead += EliminateDeadCode(g);
  // Every pass keeps the graph acyclic; checking is cheap and catches a broken rewrite here
  // rather than as a confusing session error.
  FERRY_RETURN_IF_ERROR(g.TopologicalOrder().status());
  return stats;
}

std::shared_ptr<ir::Graph> CopyGraph(const ir::Graph& g) {
  auto out = std::make_shared<ir::Graph>();
  out->set_name(g.name());
  out->opset_imports() = g.opset_imports();
  out->metadata() = g.metadata();
  out->set_parent(g.parent());
  std::unordered_map<const ir::Value*, ir::Value*> map;
  for (const ir::Value* v : g.values()) {
    ir::Value* c = out->AddValue(v->name(), v->info());
    if (v->is_constant()) c->set_constant(v->constant());  // shares the buffer
    c->info() = v->info();
    map[v] = c;
  }
  auto m = [&](ir::Value* v) { return v ? map.at(v) : nullptr; };
  for (const auto& n : g.nodes()) {
    std::vector<ir::Value*> ins, outs;
    for (ir::Value* v : n->inputs()) ins.push_back(m(v));
    for (ir::Value* v : n->outputs()) outs.push_back(m(v));
    ir::Node* c = out->AddNodeWithOutputs(n->op_type(), n->domain(), n->name(), std::move(ins),
                                          std::move(outs));
    for (const auto& [k, a] : n->attrs()) c->set_attr(k, a);
  }
  for (ir::Value* v : g.inputs()) out->inputs().push_back(m(v));
  for (ir::Value* v : g.outputs()) out->outputs().push_back(m(v));
  return out;
}

namespace {

// Whether a session over g would build: every op exists and accepts its attributes. When
// not, the session is left to report it on the graph as the user wrote it.
bool AllOpsBuild(const ir::Graph& g, const OpSet& ops) {
  for (const auto& n : g.nodes()) {
    for (const auto& [k, a] : n->attrs())
      if (a.kind() == ir::AttrKind::kGraph || a.kind() == ir::AttrKind::kGraphs) return false;
    int64_t version = g.opset(n->domain());
    if (version == 0 && n->domain().empty()) version = 1 << 20;  // as Session::Create
    const OpFactory* f = ops.Find(n->domain(), n->op_type(), version);
    if (!f) return false;
    NodeInfo info(*n, version, 1);
    if (!(*f)(info)->init_status().ok()) return false;
  }
  return true;
}

}  // namespace

StatusOr<std::shared_ptr<const ir::Graph>> OptimizedCopy(std::shared_ptr<const ir::Graph> g,
                                                         const OpSet& ops) {
  // FERRY_NO_OPTIMIZE=1 runs graphs as written (to compare, or to rule the optimizer out).
  const char* off = std::getenv("FERRY_NO_OPTIMIZE");
  if (off && *off && std::string(off) != "0") return g;
  if (!g || g->parent() || !AllOpsBuild(*g, ops)) return g;
  std::shared_ptr<ir::Graph> copy = CopyGraph(*g);
  OptimizeOptions options;
  options.ops = &ops;
  // FERRY_OPTIMIZE_SKIP=fuse_layer_norm,fuse_elementwise,... turns single passes off (to
  // measure or rule out one pass; names as the OptimizeOptions fields).
  if (const char* skip = std::getenv("FERRY_OPTIMIZE_SKIP")) {
    const std::string list = std::string(",") + skip + ",";
    auto off = [&](const char* name, bool* flag) {
      if (list.find(std::string(",") + name + ",") != std::string::npos) *flag = false;
    };
    off("constant_folding", &options.constant_folding);
    off("fold_batch_norm", &options.fold_batch_norm);
    off("fuse_layer_norm", &options.fuse_layer_norm);
    off("fuse_residual", &options.fuse_residual);
    off("fuse_matmul_bias", &options.fuse_matmul_bias);
    off("hoist_activation", &options.hoist_activation);
    off("fuse_activation", &options.fuse_activation);
    off("fuse_pool", &options.fuse_pool);
    off("fuse_tf", &options.fuse_tf);
    off("fuse_elementwise", &options.fuse_elementwise);
    off("blocked_layout", &options.blocked_layout);
    off("dead_code", &options.dead_code);
  }
  auto stats = OptimizeGraph(*copy, options);
  if (!stats.ok()) return stats.status().WithContext("graph optimization");
  return std::shared_ptr<const ir::Graph>(std::move(copy));
}

}  // namespace ferry::runtime::optimize
