#include "check/check.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <random>

#include <nlohmann/json.hpp>

namespace ferry::check {

std::string TensorSpec::ShapeString() const {
  if (!has_shape) return "?";
  std::string s = "[";
  for (size_t i = 0; i < dims.size(); ++i) {
    if (i) s += ",";
    s += dims[i] < 0 ? "?" : std::to_string(dims[i]);
  }
  return s + "]";
}

StatusOr<std::vector<Tensor>> MakeInputs(const std::vector<TensorSpec>& specs, int64_t batch,
                                         uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::normal_distribution<float> normal(0.0f, 1.0f);
  std::vector<Tensor> result;
  for (const TensorSpec& s : specs) {
    if (!s.has_shape)
      return InvalidArgument("input '" + s.name + "' has no known rank: give it with --input");
    std::vector<int64_t> dims = s.dims;
    for (auto& d : dims)
      if (d < 0) d = batch;
    FERRY_ASSIGN_OR_RETURN(Tensor t, Tensor::Create(s.dtype, Shape(dims)));
    const int64_t n = t.NumElements();
    switch (s.dtype) {
      case DataType::kFloat32:
        for (int64_t i = 0; i < n; ++i) t.data<float>()[i] = normal(rng);
        break;
      case DataType::kFloat64:
        for (int64_t i = 0; i < n; ++i) t.data<double>()[i] = normal(rng);
        break;
      case DataType::kInt64:
        for (int64_t i = 0; i < n; ++i) t.data<int64_t>()[i] = static_cast<int64_t>(rng() % 10);
        break;
      case DataType::kInt32:
        for (int64_t i = 0; i < n; ++i) t.data<int32_t>()[i] = static_cast<int32_t>(rng() % 10);
        break;
      case DataType::kBool:
        for (int64_t i = 0; i < n; ++i) t.data<bool>()[i] = rng() & 1;
        break;
      default:
        return Unimplemented("input '" + s.name + "': cannot generate " +
                             DataTypeName(s.dtype) + " values: give it with --input");
    }
    result.push_back(std::move(t));
  }
  return result;
}

Status CheckInputMatchesSpec(const TensorSpec& spec, const Tensor& t) {
  if (t.dtype() != spec.dtype)
    return InvalidArgument("input '" + spec.name + "': dtype " + DataTypeName(t.dtype()) +
                           ", the model expects " + DataTypeName(spec.dtype));
  if (!spec.has_shape) return Status::Ok();
  bool ok = static_cast<int>(spec.dims.size()) == t.rank();
  for (int i = 0; ok && i < t.rank(); ++i) ok = spec.dims[i] < 0 || spec.dims[i] == t.dim(i);
  if (!ok)
    return InvalidArgument("input '" + spec.name + "': shape " + t.shape().ToString() +
                           ", the model expects " + spec.ShapeString());
  return Status::Ok();
}

namespace {

// Orders B's outputs like A's: by name when the names agree, else by position. A model that
// cannot name its outputs before running (a TorchScript forward) is matched by position.
StatusOr<std::vector<int>> MatchOutputs(const ModelRunner& a, const ModelRunner& b, size_t na,
                                        size_t nb) {
  if (na != nb)
    return InvalidArgument("the models have " + std::to_string(na) + " and " +
                           std::to_string(nb) + " outputs");
  const auto& ao = a.outputs();
  const auto& bo = b.outputs();
  std::vector<int> map(na);
  bool by_name = ao.size() == na && bo.size() == nb;
  for (size_t i = 0; i < na && by_name; ++i) {
    auto it = std::find_if(bo.begin(), bo.end(),
                           [&](const TensorSpec& s) { return s.name == ao[i].name; });
    if (it == bo.end()) by_name = false;
    else map[i] = static_cast<int>(it - bo.begin());
  }
  if (!by_name)
    for (size_t i = 0; i < na; ++i) map[i] = static_cast<int>(i);
  return map;
}

std::string OutputName(const ModelRunner& m, size_t i) {
  return i < m.outputs().size() ? m.outputs()[i].name : "output_" + std::to_string(i);
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace

StatusOr<Tensor> Permute(const Tensor& t, const std::vector<int64_t>& perm) {
  const int r = t.rank();
  if (static_cast<int>(perm.size()) != r)
    return InvalidArgument("cannot permute a rank-" + std::to_string(r) + " tensor by a rank-" +
                           std::to_string(perm.size()) + " permutation");
  if (t.dtype() == DataType::kString) return Unimplemented("cannot permute a string tensor");
  std::vector<int64_t> dims(r);
  for (int i = 0; i < r; ++i) dims[i] = t.dim(static_cast<int>(perm[i]));
  FERRY_ASSIGN_OR_RETURN(Tensor out, Tensor::Create(t.dtype(), Shape(dims)));
  std::vector<int64_t> stride(r, 1);
  for (int i = r - 2; i >= 0; --i) stride[i] = stride[i + 1] * t.dim(i + 1);
  const size_t es = SizeOf(t.dtype());
  const auto* src = static_cast<const uint8_t*>(t.raw_data());
  auto* dst = static_cast<uint8_t*>(out.raw_data());
  std::vector<int64_t> idx(r, 0);
  const int64_t n = t.NumElements();
  for (int64_t i = 0; i < n; ++i) {
    int64_t s = 0;
    for (int d = 0; d < r; ++d) s += idx[d] * stride[perm[d]];
    std::memcpy(dst + i * es, src + s * es, es);
    for (int d = r - 1; d >= 0; --d) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
  return out;
}

StatusOr<std::vector<Tensor>> InputsForB(const ModelRunner& a, const ModelRunner& b,
                                         const std::vector<Tensor>& a_inputs,
                                         const CheckOptions& options) {
  std::vector<Tensor> r;
  for (size_t j = 0; j < b.inputs().size(); ++j) {
    int found = -1;
    for (size_t i = 0; i < a.inputs().size(); ++i)
      if (a.inputs()[i].name == b.inputs()[j].name) found = static_cast<int>(i);
    Tensor t = a_inputs[found >= 0 ? found : std::min(j, a_inputs.size() - 1)];
    auto perm = options.b_input_perms.find(b.inputs()[j].name);
    if (perm != options.b_input_perms.end() && !perm->second.empty()) {
      auto p = Permute(t, perm->second);
      if (!p.ok()) return p.status().WithContext("input '" + b.inputs()[j].name + "'");
      t = std::move(p).value();
    }
    r.push_back(std::move(t));
  }
  return r;
}

int CheckReport::FirstFailingNode() const {
  for (size_t i = 0; i < nodes.size(); ++i)
    if (!nodes[i].value.pass()) return static_cast<int>(i);
  return -1;
}

bool CheckReport::pass() const {
  for (const auto& c : outputs)
    if (!c.pass()) return false;
  return !outputs.empty();
}

StatusOr<std::vector<Tensor>> TrialInputs(const ModelRunner& a, const CheckOptions& options,
                                          int trial) {
  if (options.inputs.empty()) return MakeInputs(a.inputs(), options.batch, options.seed + trial);
  std::vector<Tensor> inputs;
  for (const TensorSpec& s : a.inputs()) {
    auto it = options.inputs.find(s.name);
    if (it == options.inputs.end())
      return InvalidArgument("no --input given for model input '" + s.name + "'");
    FERRY_RETURN_IF_ERROR(CheckInputMatchesSpec(s, it->second));
    inputs.push_back(it->second);
  }
  for (const auto& [name, t] : options.inputs) {
    bool known = std::any_of(a.inputs().begin(), a.inputs().end(),
                             [&](const TensorSpec& s) { return s.name == name; });
    if (!known) return InvalidArgument("--input " + name + ": the model has no such input");
  }
  return inputs;
}

StatusOr<CheckReport> RunCheck(const ModelRunner& a, const ModelRunner& b,
                               const CheckOptions& options) {
  if (a.inputs().size() != b.inputs().size())
    return InvalidArgument("the models take " + std::to_string(a.inputs().size()) + " and " +
                           std::to_string(b.inputs().size()) + " inputs");
  CheckReport report;
  report.a_kind = a.kind();
  report.b_kind = b.kind();
  std::vector<int> out_map;
  const int trials = options.inputs.empty() ? std::max(options.trials, 1) : 1;
  std::vector<double> a_ms, b_ms;
  for (int trial = 0; trial < trials; ++trial) {
    FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> inputs, TrialInputs(a, options, trial));
    if (trial == 0)
      for (size_t i = 0; i < inputs.size(); ++i)
        report.input_shapes.push_back(a.inputs()[i].name + " " + inputs[i].DebugString());
    FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> b_inputs, InputsForB(a, b, inputs, options));
    auto t0 = std::chrono::steady_clock::now();
    auto ra = a.Run(inputs);
    auto t1 = std::chrono::steady_clock::now();
    if (!ra.ok()) return ra.status().WithContext(a.kind() + " model");
    auto rb = b.Run(b_inputs);
    auto t2 = std::chrono::steady_clock::now();
    if (!rb.ok()) return rb.status().WithContext(b.kind() + " model");
    a_ms.push_back(std::chrono::duration<double, std::milli>(t1 - t0).count());
    b_ms.push_back(std::chrono::duration<double, std::milli>(t2 - t1).count());
    if (trial == 0) {
      FERRY_ASSIGN_OR_RETURN(out_map, MatchOutputs(a, b, ra->size(), rb->size()));
      report.outputs.resize(out_map.size());
    }
    for (size_t i = 0; i < out_map.size(); ++i) {
      Comparison c = Compare(OutputName(a, i), (*ra)[i], (*rb)[out_map[i]], options.tol);
      Accumulate(c, &report.outputs[i]);
    }
  }
  report.trials = trials;
  report.a_ms = Median(a_ms);
  report.b_ms = Median(b_ms);
  return report;
}

std::string CheckReport::ToText(const Tolerance& tol) const {
  std::string s;
  char buf[512];
  std::snprintf(buf, sizeof buf, "check %s -> %s: %d trial%s, |b - a| <= %g + %g * |a|\n",
                a_kind.c_str(), b_kind.c_str(), trials, trials == 1 ? "" : "s", tol.atol,
                tol.rtol);
  s += buf;
  for (const auto& in : input_shapes) s += "  input  " + in + "\n";
  std::snprintf(buf, sizeof buf, "  %-16s %-12s %12s %12s %12s %10s  %s\n", "output", "shape",
                "max_abs", "max_rel", "sum(a-b)", "mismatch", "result");
  s += buf;
  for (const auto& c : outputs) {
    std::string shape = c.shape_match ? c.desired_shape : c.desired_shape + "!=" + c.actual_shape;
    std::snprintf(buf, sizeof buf, "  %-16s %-12s %12.3e %12.3e %12.3e %5lld/%-5lld %s\n",
                  c.name.c_str(), shape.c_str(), c.max_abs_error, c.max_rel_error, c.sum_diff,
                  static_cast<long long>(c.num_mismatched),
                  static_cast<long long>(c.num_elements), c.pass() ? "PASS" : "FAIL");
    s += buf;
  }
  if (!nodes.empty() || nodes_unmatched > 0) {
    int failing = 0;
    for (const auto& n : nodes) failing += !n.value.pass();
    std::snprintf(buf, sizeof buf,
                  "  per-node: %zu values compared (%d without a counterpart), %d outside "
                  "the tolerance\n",
                  nodes.size(), nodes_unmatched, failing);
    s += buf;
    const int first = FirstFailingNode();
    if (first >= 0) {
      const NodeComparison& n = nodes[first];
      std::snprintf(buf, sizeof buf,
                    "  first node outside the tolerance: %s '%s' (value '%s'): max_abs %.3e, "
                    "max_rel %.3e, %lld/%lld elements%s\n",
                    n.op.c_str(), n.node.c_str(), n.value.name.c_str(), n.value.max_abs_error,
                    n.value.max_rel_error, static_cast<long long>(n.value.num_mismatched),
                    static_cast<long long>(n.value.num_elements),
                    n.value.shape_match ? "" : " (shapes differ)");
      s += buf;
    }
    // Column widths fit the longest op and node name (GlobalAveragePool is 17 characters).
    int op_w = 16, node_w = 24;
    for (const NodeComparison& n : nodes) {
      op_w = std::max(op_w, static_cast<int>(n.op.size()));
      node_w = std::max(node_w, static_cast<int>(n.node.size()));
    }
    std::snprintf(buf, sizeof buf, "  %-4s %-*s %-*s %-16s %12s %12s %13s  %s\n", "#", op_w, "op",
                  node_w, "node", "shape (B)", "max_abs", "max_rel", "mismatch", "result");
    s += buf;
    for (size_t i = 0; i < nodes.size(); ++i) {
      const Comparison& c = nodes[i].value;
      std::string shape =
          c.shape_match ? c.desired_shape : c.desired_shape + "!=" + c.actual_shape;
      std::snprintf(buf, sizeof buf, "  %-4zu %-*s %-*s %-16s %12.3e %12.3e %6lld/%-6lld %s\n",
                    i, op_w, nodes[i].op.c_str(), node_w, nodes[i].node.c_str(), shape.c_str(),
                    c.max_abs_error, c.max_rel_error, static_cast<long long>(c.num_mismatched),
                    static_cast<long long>(c.num_elements), c.pass() ? "ok" : "OUTSIDE");
      s += buf;
    }
  }
  std::snprintf(buf, sizeof buf, "  time per run (median): %s %.3f ms, %s %.3f ms\n",
                a_kind.c_str(), a_ms, b_kind.c_str(), b_ms);
  s += buf;
  s += pass() ? "PASS\n" : "FAIL\n";
  return s;
}

std::string CheckReport::ToJson(const Tolerance& tol) const {
  nlohmann::json j;
  j["a"] = a_kind;
  j["b"] = b_kind;
  j["atol"] = tol.atol;
  j["rtol"] = tol.rtol;
  j["trials"] = trials;
  j["inputs"] = input_shapes;
  j["pass"] = pass();
  j["a_ms"] = a_ms;
  j["b_ms"] = b_ms;
  for (const auto& c : outputs) {
    j["outputs"].push_back({{"name", c.name},
                            {"shape", c.desired_shape},
                            {"actual_shape", c.actual_shape},
                            {"max_abs_error", c.max_abs_error},
                            {"max_rel_error", c.max_rel_error},
                            {"sum_diff", c.sum_diff},
                            {"mismatched", c.num_mismatched},
                            {"elements", c.num_elements},
                            {"pass", c.pass()}});
  }
  if (!nodes.empty() || nodes_unmatched > 0) {
    j["nodes"] = nlohmann::json::array();
    for (const auto& n : nodes) {
      const Comparison& c = n.value;
      j["nodes"].push_back({{"node", n.node},
                            {"op", n.op},
                            {"value", c.name},
                            {"shape", c.desired_shape},
                            {"actual_shape", c.actual_shape},
                            {"max_abs_error", c.max_abs_error},
                            {"max_rel_error", c.max_rel_error},
                            {"mismatched", c.num_mismatched},
                            {"elements", c.num_elements},
                            {"pass", c.pass()}});
    }
    j["nodes_unmatched"] = nodes_unmatched;
    const int first = FirstFailingNode();
    j["first_failing_node"] = first >= 0 ? nlohmann::json(nodes[first].node) : nlohmann::json();
  }
  return j.dump(2);
}

}  // namespace ferry::check
