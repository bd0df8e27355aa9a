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
  // B's inputs that take A's tensor transposed: B input name -> perm (B.dim(i) ==
  // A.dim(perm[i])), e.g. {0,2,3,1} for a model converted with --input-layout NHWC.
  std::map<std::string, std::vector<int64_t>> b_input_perms;
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
  // Values of A the per-node check found no counterpart for in B (folded, fused, or pruned).
  int nodes_unmatched = 0;
  // Pass or fail is decided by the outputs; `nodes` shows where a difference starts.
  bool pass() const;
  // Index into `nodes` of the first value outside the tolerance, or -1.
  int FirstFailingNode() const;
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

// The inputs of one trial: the given ones (checked against A's specs), or MakeInputs with
// seed + trial.
StatusOr<std::vector<Tensor>> TrialInputs(const ModelRunner& a, const CheckOptions& options,
                                          int trial);

// Transposes a host tensor (any dtype): result.dim(i) == t.dim(perm[i]).
StatusOr<Tensor> Permute(const Tensor& t, const std::vector<int64_t>& perm);

// B's inputs in B's order, taken from A's inputs by name (else by position) and transposed
// by options.b_input_perms.
StatusOr<std::vector<Tensor>> InputsForB(const ModelRunner& a, const ModelRunner& b,
                                         const std::vector<Tensor>& a_inputs,
                                         const CheckOptions& options);

}  // namespace ferry::check
