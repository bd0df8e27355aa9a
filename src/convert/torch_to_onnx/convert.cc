#include "convert/torch_to_onnx/convert.h"

#include <algorithm>
#include <map>
#include <set>

#include "convert/torch_to_onnx/registry.h"

namespace ferry::convert::torch_to_onnx {

MapFn OpTable::Find(const std::string& kind) const {
  if (auto it = fns_.find(kind); it != fns_.end()) return it->second;
  // In-place variant: "aten::relu_" -> "aten::relu" (not dunders like "aten::__and__").
  if (kind.size() > 7 && kind.back() == '_' && kind[kind.size() - 2] != '_') {
    if (auto it = fns_.find(kind.substr(0, kind.size() - 1)); it != fns_.end()) return it->second;
  }
  return nullptr;
}

const OpTable& DefaultOpTable() {
  static const OpTable* table = [] {
    auto* t = new OpTable;
#define X(family) Register##family##Ops(*t);
#include "convert/torch_to_onnx/ops/ops.inc"
#undef X
    return t;
  }();
  return *table;
}

std::vector<std::string> AtenOpKinds(const AtenGraph& aten) {
  std::set<std::string> kinds;
  for (const AtenNode& n : aten.nodes) kinds.insert(n.kind);
  return {kinds.begin(), kinds.end()};
}

std::vector<std::string> UnsupportedOps(const AtenGraph& aten) {
  const OpTable& table = DefaultOpTable();
  std::map<std::string, std::vector<std::string>> missing;
  for (const AtenNode& n : aten.nodes) {
    if (table.Find(n.kind) != nullptr) continue;
    auto& where = missing[n.kind];
    const std::string s = n.source.empty() ? "unknown source" : n.source;
    if (std::find(where.begin(), where.end(), s) == where.end()) where.push_back(s);
  }
  std::vector<std::string> out;
  for (const auto& [kind, where] : missing) {
    std::string line = kind + " (";
    for (size_t i = 0; i < where.size(); ++i) line += (i ? ", " : "") + where[i];
    out.push_back(line + ")");
  }
  return out;
}

StatusOr<std::shared_ptr<ir::Graph>> ConvertAtenToOnnx(const AtenGraph& aten,
                                                       const TorchExportOptions& options) {
  const std::string& where = aten.origin;
  if (options.opset < 13 || options.opset > 17) {
    return InvalidArgument("--opset " + std::to_string(options.opset) +
                           ": the TorchScript export writes opsets 13 to 17");
  }
  std::vector<std::string> missing = UnsupportedOps(aten);
  if (!missing.empty()) {
    std::string msg = where + ": " + std::to_string(missing.size()) + " unsupported aten op" +
                      (missing.size() > 1 ? "s: " : ": ");
    for (size_t i = 0; i < missing.size(); ++i) msg += (i ? "; " : "") + missing[i];
    return Unimplemented(msg);
  }
  if (options.input_shapes.size() != aten.inputs.size()) {
    return InvalidArgument(where + ": forward takes " + std::to_string(aten.inputs.size()) +
                           " inputs, got " + std::to_string(options.input_shapes.size()) +
                           " input shapes");
  }
  if (!options.input_names.empty() && options.input_names.size() != aten.inputs.size()) {
    return InvalidArgument(where + ": " + std::to_string(options.input_names.size()) +
                           " input names for " + std::to_string(aten.inputs.size()) + " inputs");
  }
  if (!options.output_names.empty() && options.output_names.size() != aten.outputs.size()) {
    return InvalidArgument(where + ": " + std::to_string(options.output_names.size()) +
                           " output names for " + std::to_string(aten.outputs.size()) +
                           " outputs");
  }

  auto g = std::make_shared<ir::Graph>();
  g->set_name("main_graph");
  g->opset_imports()[""] = options.opset;
  g->metadata()["producer_name"] = "ferry";
  g->metadata()["doc_string"] = "exported from TorchScript " + aten.origin;
  Ctx ctx(aten, *g);

  for (size_t i = 0; i < aten.inputs.size(); ++i) {
    ir::ValueInfo info;
    info.dtype = i < options.input_dtypes.size() ? options.input_dtypes[i] : DataType::kFloat32;
    std::vector<ir::Dim> dims;
    for (size_t d = 0; d < options.input_shapes[i].size(); ++d) {
      dims.push_back(d == 0 && options.dynamic_batch ? ir::Dim::Named("batch_size")
                                                     : ir::Dim::Known(options.input_shapes[i][d]));
    }
    info.shape = std::move(dims);
    std::string name = !options.input_names.empty() ? options.input_names[i]
                       : i < aten.input_names.size() ? aten.input_names[i]
                                                     : "input_" + std::to_string(i);
    ir::Value* v = g->AddValue(name, info);
    g->inputs().push_back(v);
    ctx.Bind(aten.inputs[i], v);
  }

  const OpTable& table = DefaultOpTable();
  for (const AtenNode& n : aten.nodes) {
    ctx.set_node(&n);
    FERRY_RETURN_IF_ERROR(table.Find(n.kind)(ctx));
    for (size_t o = 0; o < n.outputs.size(); ++o) {
      // Outputs nobody reads (max_pool's indices, a list's length) may stay unbound.
      (void)o;
    }
  }
  ctx.set_node(nullptr);

  std::set<const ir::Value*> used;
  for (size_t i = 0; i < aten.outputs.size(); ++i) {
    const int id = aten.outputs[i];
    if (!ctx.IsBound(id) && !aten.values[id].constant) {
      return InvalidArgument(where + ": output " + std::to_string(i) + " ('" +
                             aten.values[id].name + "') is not a tensor the export produced");
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value* v, ctx.ValueOf(id));
    const std::string name = !options.output_names.empty() ? options.output_names[i]
                                                           : "output_" + std::to_string(i);
    // A graph output that is an input, a constant or already an output gets an Identity so
    // that it can carry its own name.
    if (v->producer() == nullptr || used.count(v) != 0 ||
        std::find(g->inputs().begin(), g->inputs().end(), v) != g->inputs().end()) {
      v = ctx.Op("Identity", {v});
    }
    used.insert(v);
    if (g->FindValue(name) != nullptr && g->FindValue(name) != v) {
      return InvalidArgument(where + ": output name '" + name + "' is already used in the graph");
    }
    v->set_name(name);
    v->info().dtype = ctx.DtypeOf(v);
    g->outputs().push_back(v);
  }
  g->EliminateDeadCode();
  return g;
}

}  // namespace ferry::convert::torch_to_onnx
