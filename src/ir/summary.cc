#include "ir/summary.h"

#include <cstdio>
#include <optional>
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


// Dims of a value with unknown dims replaced; nullopt when the rank is unknown.
std::optional<std::vector<int64_t>> DimsOf(const Value* v, int64_t unknown_dim) {
  if (!v) return std::nullopt;
  if (v->is_constant()) return v->constant().shape().dims();
  if (!v->info().shape) return std::nullopt;
  std::vector<int64_t> d;
  for (const Dim& x : *v->info().shape) d.push_back(x.known() ? x.value : unknown_dim);
  return d;
}

int64_t Product(const std::vector<int64_t>& d, size_t from = 0, size_t to = SIZE_MAX) {
  int64_t p = 1;
  for (size_t i = from; i < std::min(to, d.size()); ++i) p *= d[i];
  return p;
}

const std::set<std::string>& ElementwiseOps() {
  static const std::set<std::string> ops = {
      // ONNX
      "Abs", "Add", "Ceil", "Clip", "Cos", "Div", "Elu", "Erf", "Exp", "Floor", "Gelu",
      "HardSigmoid", "HardSwish", "LeakyRelu", "Log", "Max", "Min", "Mish", "Mul", "Neg", "Pow",
      "PRelu", "Reciprocal", "Relu", "Round", "Selu", "Sigmoid", "Sign", "Sin", "Softplus",
      "Softsign", "Sqrt", "Sub", "Sum", "Tanh", "Where", "Equal", "Greater", "Less",
      // TF
      "AddV2", "BiasAdd", "Maximum", "Minimum", "Relu6", "RealDiv", "Rsqrt", "Square",
      "SquaredDifference"};
  return ops;
}

}  // namespace

int64_t EstimateFlops(const Node& n, int64_t unknown_dim) {
  const std::string& op = n.op_type();
  const bool tf = n.domain() == "tf";
  auto in = [&](int i) { return DimsOf(n.input(i), unknown_dim); };
  auto out = [&](int i) {
    return i < n.num_outputs() ? DimsOf(n.output(i), unknown_dim) : std::nullopt;
  };
  if (!tf && op == "Conv") {
    // ONNX Conv: W is [M, C/group, k...], Y is [N, M, out...]: every output element is a dot
    // product over C/group * prod(k) inputs, plus one add for the bias.
    auto w = in(1), y = out(0);
    if (!w || !y || w->size() < 2) return -1;
    return Product(*y) * (2 * Product(*w, 1) + (n.input(2) ? 1 : 0));
  }
  if (!tf && op == "ConvTranspose") {
    // W is [C, M/group, k...]: every input element scatters into M/group * prod(k) outputs.
    auto x = in(0), w = in(1);
    if (!x || !w || w->size() < 2) return -1;
    return 2 * Product(*x) * Product(*w, 1);
  }
  if (tf && (op == "Conv2D" || op == "DepthwiseConv2dNative")) {
    // Filter is HWIO ([kh, kw, in, out]) or, depthwise, [kh, kw, in, multiplier].
    auto f = in(1), y = out(0);
    if (!f || !y || f->size() != 4) return -1;
    const int64_t per_output = op == "Conv2D" ? (*f)[0] * (*f)[1] * (*f)[2] : (*f)[0] * (*f)[1];
    return 2 * Product(*y) * per_output;
  }
  if (op == "Gemm" || op == "MatMul" || op == "BatchMatMul" || op == "BatchMatMulV2" ||
      op == "MatMulInteger") {
    // Every output element is a dot product of length K, A's contracted dim.
    auto a = in(0), y = out(0);
    if (!a || !y || a->empty()) return -1;
    bool trans_a = false;
    if (op == "Gemm") trans_a = n.GetInt("transA", 0) != 0;
    if (tf) {
      const Attribute* t = n.attr(op == "MatMul" ? "transpose_a" : "adj_x");
      trans_a = t && t->kind() == AttrKind::kBool && t->b();
    }
    const int64_t k = trans_a && a->size() >= 2 ? (*a)[a->size() - 2] : a->back();
    const bool bias = op == "Gemm" && n.input(2);
    return Product(*y) * (2 * k + (bias ? 1 : 0));
  }
  if (op == "MaxPool" || op == "AveragePool" || op == "AvgPool" || op == "LpPool") {
    auto y = out(0);
    if (!y) return -1;
    std::vector<int64_t> k = n.GetInts(tf ? "ksize" : "kernel_shape");
    return Product(*y) * Product(k);
  }
  if (op == "GlobalAveragePool" || op == "GlobalMaxPool" || op == "ReduceMean" ||
      op == "ReduceSum" || op == "ReduceMax" || op == "ReduceMin" || op == "Mean" ||
      (op == "Sum" && tf)) {
    auto x = in(0);
    return x ? Product(*x) : -1;
  }
  if (op == "BatchNormalization" || op == "FusedBatchNorm" || op == "FusedBatchNormV3" ||
      op == "InstanceNormalization") {
    // At inference a normalisation is one scale and one shift per element.
    auto y = out(0);
    return y ? 2 * Product(*y) : -1;
  }
  if (op == "LayerNormalization") {
    auto y = out(0);
    return y ? 5 * Product(*y) : -1;
  }
  if (op == "Softmax" || op == "LogSoftmax") {
    // exp, the sum, and the division (or subtraction of the log) per element.
    auto y = out(0);
    return y ? 3 * Product(*y) : -1;
  }
  if (ElementwiseOps().count(op)) {
    auto y = out(0);
    return y ? Product(*y) : -1;
  }
  return 0;
}

GraphSummary Summarize(const Graph& g) {
  GraphSummary s;
  for (const Value* v : g.inputs())
    s.inputs.push_back({v->name(), DataTypeName(v->dtype()), v->info().ShapeString()});
  for (const Value* v : g.outputs())
    s.outputs.push_back({v->name(), DataTypeName(v->dtype()), v->info().ShapeString()});
  std::set<const Value*> seen;
  Walk(g, &s, &seen);
  for (const auto& n : g.nodes()) {
    const int64_t f = EstimateFlops(*n);
    s.node_flops.push_back({n->name(), n->op_type(), f});
    if (f >= 0) s.total_flops += f;
    else s.flops_unknown++;
  }
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
  std::snprintf(buf, sizeof buf, "  FLOPs: %.4g G (unknown dims counted as 1)%s\n",
                s.total_flops / 1e9,
                s.flops_unknown ? (", " + std::to_string(s.flops_unknown) +
                                   " nodes without known shapes left out").c_str()
                                : "");
  r += buf;
  std::snprintf(buf, sizeof buf, "  nodes: %d\n", s.num_nodes);
  r += buf;
  for (const auto& [op, n] : s.op_histogram) {
    std::snprintf(buf, sizeof buf, "    %-28s %d\n", op.c_str(), n);
    r += buf;
  }
  r += "  FLOPs per node:\n";
  for (const auto& nf : s.node_flops) {
    if (nf.flops == 0) continue;
    std::snprintf(buf, sizeof buf, "    %-40s %-20s %s\n", nf.name.c_str(), nf.op.c_str(),
                  nf.flops < 0 ? "?" : std::to_string(nf.flops).c_str());
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
  j["flops"] = s.total_flops;
  j["flops_unknown_nodes"] = s.flops_unknown;
  j["node_flops"] = nlohmann::json::array();
  for (const auto& nf : s.node_flops)
    j["node_flops"].push_back({{"name", nf.name}, {"op", nf.op}, {"flops", nf.flops}});
  j["opsets"] = s.opsets;
  j["metadata"] = s.metadata;
  return j.dump(2);
}

}  // namespace ferry::ir
