#include "check/per_node.h"

namespace ferry::check {

StatusOr<std::vector<ValueLink>> LinkValues(
    const ir::Graph& a, const std::map<std::string, Counterpart>& counterparts) {
  std::vector<ValueLink> links;
  auto add = [&](const ir::Value* v, const std::string& node, const std::string& op) {
    auto it = v ? counterparts.find(v->name()) : counterparts.end();
    if (it == counterparts.end()) return;
    links.push_back({node, op, v->name(), it->second.value, it->second.perm});
  };
  for (const ir::Value* in : a.inputs())
    if (!in->is_constant()) add(in, in->name(), "input");
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, a.TopologicalOrder());
  for (const ir::Node* n : order)
    for (const ir::Value* o : n->outputs())
      if (o) add(o, n->name().empty() ? o->name() : n->name(), n->op_type());
  return links;
}

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
