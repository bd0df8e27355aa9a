// The per-node check (`ferry check model.onnx OUT --per-node`): besides the outputs, every
// value of A that has a counterpart in B is compared, so that a wrong conversion is pinned
// to the first node whose output leaves the tolerance instead of surfacing, blurred, at the
// model's outputs. Which value of B stands for which value of A, and in which layout, comes
// from the converter (tf::SourceValue, written into every TF format); check only needs the
// links and two models that can keep their intermediates (ModelRunner::RunAndKeepAll).
#pragma once

#include <map>
#include <string>
#include <vector>

#include "check/check.h"
#include "ir/graph.h"

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

// Where a value of A lives in B: B's value name and the permutation (as in ValueLink).
struct Counterpart {
  std::string value;
  std::vector<int64_t> perm;
};

// The links for every value of graph A that `counterparts` (A value name -> B) maps: A's
// graph inputs first, then each node's outputs in topological order, so that the first
// failing link is the first failing node.
StatusOr<std::vector<ValueLink>> LinkValues(const ir::Graph& a,
                                            const std::map<std::string, Counterpart>& counterparts);

// RunCheck, then one more run of both models on the first trial's inputs keeping every
// intermediate; each link whose two values exist becomes a NodeComparison in `links` order
// (report.nodes), the others are counted in report.nodes_unmatched.
StatusOr<CheckReport> RunPerNodeCheck(const ModelRunner& a, const ModelRunner& b,
                                      const std::vector<ValueLink>& links,
                                      const CheckOptions& options);

}  // namespace ferry::check
