#include "check/per_node.h"

namespace ferry::check {

StatusOr<CheckReport> RunPerNodeCheck(const ModelRunner& a, const ModelRunner& b,
                                      const std::vector<ValueLink>& links,
                                      const CheckOptions& options) {
  FERRY_ASSIGN_OR_RETURN(CheckReport report, RunCheck(a, b, options));
  FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> inputs, TrialInputs(a, options, 0));
  FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> b_inputs, InputsForB(a, b, inputs, options));
  auto va = a.RunAndKeepAll(inputs);
  if (!va.ok()) return va.status().WithContext("per-node check");
  auto vb = b.RunAndKeepAll(b_inputs);
  if (!vb.ok()) return vb.status().WithContext("per-node check");
  for (const ValueLink& link : links) {
    auto ia = va->find(link.a_value);
    auto ib = vb->find(link.b_value);
    if (ia == va->end() || ib == vb->end()) {
      ++report.nodes_unmatched;
      continue;
    }
    NodeComparison nc{link.node, link.op, {}};
    Tensor desired = ia->second;
    // A's value in B's layout; a perm that does not fit (a wrong map) is a shape mismatch.
    bool permuted = true;
    if (!link.perm.empty()) {
      auto p = Permute(desired, link.perm);
      if (p.ok()) desired = std::move(p).value();
      else permuted = false;
    }
    nc.value = Compare(link.a_value, desired, ib->second, options.tol);
    if (!permuted) {
      nc.value.shape_match = false;
      nc.value.num_mismatched = nc.value.num_elements;
    }
    report.nodes.push_back(std::move(nc));
  }
  return report;
}

}  // namespace ferry::check
