#include "ir/summary.h"

#include <cstdio>
#include <set>

#include <nlohmann/json.hpp>

namespace ferry::ir {
namespace {

void Walk(const Graph& g, GraphSummary* s, std::set<const Value*>* seen) {
  for (const auto& n : g.nodes()) {
    s->op_histogram[n->op_type()]++;
    s->num_nodes++;
    for (const Value* v : n->inputs()) {
      if (!v || !v->is_constant() || !seen->insert(v).second) continue;
      s->num_constants++;
      const Tensor& t = v->constant();
      if (IsFloating(t.dtype())) {
        s->num_parameters += t.NumElements();
        s->parameter_bytes += static_cast<int64_t>(t.NumBytes());
      }
    }
    for (const auto& [k, a] : n->attrs()) {
      if (a.kind() == AttrKind::kGraph) Walk(*a.g(), s, seen);
      if (a.kind() == AttrKind::kGraphs)
        for (const auto& sg : a.graphs()) Walk(*sg, s, seen);
    }
  }
}

}  // namespace

GraphSummary Summarize(const Graph& g) {
  GraphSummary s;
  for (const Value* v : g.inputs())
    s.inputs.push_back({v->name(), DataTypeName(v->dtype()), v->info().ShapeString()});
  for (const Value* v : g.outputs())
    s.outputs.push_back({v->name(), DataTypeName(v->dtype()), v->info().ShapeString()});
  std::set<const Value*> seen;
  Walk(g, &s, &seen);
  s.opsets = g.opset_imports();
  s.metadata = g.metadata();
  return s;
}

std::string SummaryToText(const GraphSummary& s, const std::string& title) {
  std::string r = title + "\n";
  char buf[256];
  for (const auto& [k, v] : s.metadata) {
    if (k.rfind("signature.", 0) == 0 || v.empty()) continue;
    r += "  " + k + ": " + v + "\n";
  }
  if (!s.opsets.empty()) {
    r += "  opsets:";
    for (const auto& [d, v] : s.opsets) r += " " + (d.empty() ? std::string("ai.onnx") : d) + "=" + std::to_string(v);
    r += "\n";
  }
  r += "  inputs:\n";
  for (const auto& io : s.inputs) r += "    " + io.name + "  " + io.dtype + io.shape + "\n";
  r += "  outputs:\n";
  for (const auto& io : s.outputs) r += "    " + io.name + "  " + io.dtype + io.shape + "\n";
  std::snprintf(buf, sizeof buf, "  parameters: %lld (%.2f MB) in %d constants\n",
                static_cast<long long>(s.num_parameters), s.parameter_bytes / 1e6,
                s.num_constants);
  r += buf;
  std::snprintf(buf, sizeof buf, "  nodes: %d\n", s.num_nodes);
  r += buf;
  for (const auto& [op, n] : s.op_histogram) {
    std::snprintf(buf, sizeof buf, "    %-28s %d\n", op.c_str(), n);
    r += buf;
  }
  return r;
}

std::string SummaryToJson(const GraphSummary& s, const std::string& format) {
  nlohmann::json j;
  j["format"] = format;
  for (const auto& io : s.inputs)
    j["inputs"].push_back({{"name", io.name}, {"dtype", io.dtype}, {"shape", io.shape}});
  for (const auto& io : s.outputs)
    j["outputs"].push_back({{"name", io.name}, {"dtype", io.dtype}, {"shape", io.shape}});
  j["op_histogram"] = s.op_histogram;
  j["nodes"] = s.num_nodes;
  j["parameters"] = s.num_parameters;
  j["parameter_bytes"] = s.parameter_bytes;
  j["opsets"] = s.opsets;
  j["metadata"] = s.metadata;
  return j.dump(2);
}

}  // namespace ferry::ir
