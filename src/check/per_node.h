// The per-node check (`ferry check model.onnx OUT --per-node`): besides the outputs, every
// value of A that has a counterpart in B is compared, so that a wrong conversion is pinned
// to the first node whose output leaves the tolerance instead of surfacing, blurred, at the
// model's outputs. Which value of B stands for which value of A, and in which layout, comes
// from the converter (tf::SourceValue, written into every TF format); check only needs the
// links and two models that can keep their intermediates (ModelRunner::RunAndKeepAll).
#pragma once

#include <string>
#include <vector>

#include "check/check.h"

namespace ferry::check {

// One value of A and its counterpart in B: B's tensor == transpose(A's tensor, perm)
// (perm empty: same layout).
struct ValueLink {
  std::string node;     // A's node producing the value ("" for a graph input)
  std::string op;       // its op type
  std::string a_value;  // value names in A and in B
  std::string b_value;
  std::vector<int64_t> perm;
};

// RunCheck, then one more run of both models on the first trial's inputs keeping every
// intermediate; each link whose two values exist becomes a NodeComparison in `links` order
// (report.nodes), the others are counted in report.nodes_unmatched.
StatusOr<CheckReport> RunPerNodeCheck(const ModelRunner& a, const ModelRunner& b,
                                      const std::vector<ValueLink>& links,
                                      const CheckOptions& options);

}  // namespace ferry::check
