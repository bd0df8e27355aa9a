// `ferry check A B`: run two models on the same inputs and compare every output.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "check/compare.h"
#include "check/model_runner.h"
#include "core/status.h"
#include "core/tensor.h"

namespace ferry::check {

struct CheckOptions {
  Tolerance tol;
  int trials = 3;
  int64_t batch = 1;  // value for every unknown (dynamic) dim when inputs are generated
  uint64_t seed = 0;
  // Given inputs by name; when non-empty, one trial runs on exactly these.
  std::map<std::string, Tensor> inputs;
};

// One intermediate value compared between the two models (a per-node check).
struct NodeComparison {
  std::string node;  // the producing node's name
  std::string op;
  Comparison value;  // value.name: the compared tensor
};

struct CheckReport {
  std::string a_kind, b_kind;
  std::vector<std::string> input_shapes;  // "input float32[1,1,28,28]"
  std::vector<Comparison> outputs;        // accumulated over trials
  int trials = 0;
  double a_ms = 0, b_ms = 0;  // median run time per trial
  std::vector<NodeComparison> nodes;  // in graph order; empty unless intermediates were compared
  bool pass() const;
  std::string ToText(const Tolerance& tol) const;
  std::string ToJson(const Tolerance& tol) const;
};

// Seeded standard-normal inputs shaped from specs (unknown dims = batch); integer inputs
// get small non-negative integers, bools coin flips.
StatusOr<std::vector<Tensor>> MakeInputs(const std::vector<TensorSpec>& specs, int64_t batch,
                                         uint64_t seed);

// Checks a given tensor against a spec: dtype and every known dim. Error names the input.
Status CheckInputMatchesSpec(const TensorSpec& spec, const Tensor& t);

StatusOr<CheckReport> RunCheck(const ModelRunner& a, const ModelRunner& b,
                               const CheckOptions& options);

}  // namespace ferry::check
