#include "convert/onnx_to_tf/passes/to_nhwc.h"

namespace ferry::convert::onnx_to_tf {
namespace {

const ValueFacts& FactsOf(const FactsMap& facts, const ir::Value* v) {
  static const ValueFacts kEmpty;
  auto it = facts.find(v);
  return it == facts.end() ? kEmpty : it->second;
}

bool IsConstant(const FactsMap& facts, const ir::Value* v) {
  return FactsOf(facts, v).constant.has_value();
}

// A layout-agnostic node with v as its only non-scalar input (SimpleCNN's Relu between
// Flatten and Linear): it passes the kFlatNhwc feature order through unchanged.
bool PassesFlat(const ir::Node& user, const ir::Value* v, const FactsMap& facts,
                const ConverterOf& converters) {
  if (converters.at(&user)->layout() != Layout::kAgnostic || user.num_outputs() < 1) return false;
  int uses = 0;
  for (const ir::Value* in : user.inputs()) {
    if (!in) continue;
    if (in == v) {
      ++uses;
      continue;
    }
    const ValueFacts& f = FactsOf(facts, in);
    if (!f.constant || f.constant->NumElements() != 1) return false;
  }
  return uses == 1;
}

// A consumer that can take a kFlatNhwc value: a Gemm without transA or a 2-D MatMul with
// constant B as input 0 (its rows are permuted at convert time), or an agnostic node that
// passes the order on to such consumers.
bool AcceptsFlat(const ir::Graph& g, const ir::Node& user, const ir::Value* v,
                 const FactsMap& facts, const ConverterOf& converters) {
  if (PassesFlat(user, v, facts, converters)) {
    const ir::Value* out = user.output(0);
    if (g.IsGraphOutput(out) || out->users().empty()) return false;
    for (const ir::Node* u : out->users())
      if (!AcceptsFlat(g, *u, out, facts, converters)) return false;
    return true;
  }
  if (user.input(0) != v || user.input(1) == v || !user.input(1)) return false;
  if (!IsConstant(facts, user.input(1)) || FactsOf(facts, user.input(1)).rank() != 2) return false;
  if (user.op_type() == "Gemm") return user.GetInt("transA", 0) == 0;
  return user.op_type() == "MatMul";
}

// Flatten/Reshape of NHWC x into [N, C*H*W]: returns {C, H, W} or empty.
std::vector<int64_t> FlattenLike(const ir::Node& n, const FactsMap& facts) {
  const ValueFacts& in = FactsOf(facts, n.input(0));
  const ValueFacts& out = FactsOf(facts, n.output(0));
  if (in.rank() != 4 || out.rank() != 2) return {};
  if (n.op_type() == "Flatten" && n.GetInt("axis", 1) != 1) return {};
  const auto& id = *in.dims;
  const auto& od = *out.dims;
  if (!(id[0] == od[0])) return {};
  for (int i = 1; i < 4; ++i)
    if (!id[i].known()) return {};
  if (!od[1].known() || od[1].value != id[1].value * id[2].value * id[3].value) return {};
  return {id[1].value, id[2].value, id[3].value};
}

// A 4-D Transpose whose output, laid out NHWC, is its TF input as is: perm (0, 3, 1, 2) of a
// plain value (the inverse of the NCHW->NHWC permutation), or the identity of an NHWC one.
bool TransposeMakesNhwc(const ir::Node& n, bool in_nhwc, const FactsMap& facts) {
  if (FactsOf(facts, n.input(0)).rank() != 4 || FactsOf(facts, n.output(0)).rank() != 4)
    return false;
  std::vector<int64_t> perm = n.GetInts("perm");
  if (perm.empty()) perm = {3, 2, 1, 0};
  const std::vector<int64_t> want = in_nhwc ? std::vector<int64_t>{0, 1, 2, 3} : kToNchw;
  return perm == want;
}

// Known dims 1.. of v (the batch may be symbolic), or empty.
std::vector<int64_t> InnerDims(const FactsMap& facts, const ir::Value* v) {
  const ValueFacts& f = FactsOf(facts, v);
  std::vector<int64_t> d;
  if (f.rank() < 1) return {};
  for (int i = 1; i < f.rank(); ++i) {
    if (!(*f.dims)[i].known()) return {};
    d.push_back((*f.dims)[i].value);
  }
  return d;
}

// The only user of v, when v is not a graph output; else null.
const ir::Node* SoleUser(const ir::Graph& g, const ir::Value* v) {
  if (g.IsGraphOutput(v) || v->users().size() != 1) return nullptr;
  return v->users()[0];
}

// A channel shuffle starting at Reshape r1 of a 4-D x: Reshape [N, g, C/g, H, W] ->
// Transpose (0, 2, 1, 3, 4) -> Reshape [N, C, H, W] (shufflenet). Returns {transpose,
// second reshape}, or nulls. With x NHWC it runs channels-last: Reshape [N, H, W, g, C/g]
// -> Transpose (0, 1, 2, 4, 3) -> Reshape [N, H, W, C].
std::pair<const ir::Node*, const ir::Node*> ChannelShuffle(const ir::Graph& g, const ir::Node& r1,
                                                           const FactsMap& facts) {
  const std::vector<int64_t> x = InnerDims(facts, r1.input(0));
  const std::vector<int64_t> s = InnerDims(facts, r1.output(0));
  if (x.size() != 3 || s.size() != 4 || s[0] * s[1] != x[0] || s[2] != x[1] || s[3] != x[2])
    return {};
  const ir::Node* t = SoleUser(g, r1.output(0));
  if (!t || t->op_type() != "Transpose" ||
      t->GetInts("perm") != std::vector<int64_t>{0, 2, 1, 3, 4})
    return {};
  const ir::Node* r2 = SoleUser(g, t->output(0));
  if (!r2 || r2->op_type() != "Reshape" || r2->input(0) != t->output(0) ||
      InnerDims(facts, r2->output(0)) != x)
    return {};
  return {t, r2};
}

}  // namespace

LayoutPlan PlanLayouts(const ir::Graph& g, const std::vector<ir::Node*>& order,
                       const ConverterOf& converters, const FactsMap& facts,
                       const PlanOptions& options) {
  LayoutPlan plan;
  if (options.input_nhwc)
    for (const ir::Value* in : g.inputs())
      if (!in->is_constant() && FactsOf(facts, in).rank() == 4)
        plan.layout[in] = ValueLayout::kNhwc;
  for (const ir::Node* n : order) {
    // Folded nodes are emitted as constants: nothing to lay out.
    bool folded = n->num_outputs() > 0;
    for (const ir::Value* o : n->outputs()) folded &= !o || IsConstant(facts, o);
    if (folded) continue;

    bool any_nhwc = false, all_4d = true, consts_ok = true;
    // A flat NHWC feature order flows through agnostic nodes (checked by AcceptsFlat).
    const ir::Value* flat_in = nullptr;
    for (const ir::Value* v : n->inputs())
      if (v && plan.Of(v) == ValueLayout::kFlatNhwc) flat_in = v;
    if (flat_in && PassesFlat(*n, flat_in, facts, converters)) {
      plan.layout[n->output(0)] = ValueLayout::kFlatNhwc;
      plan.flat_chw[n->output(0)] = plan.flat_chw.at(flat_in);
      continue;
    }
    for (const ir::Value* v : n->inputs()) {
      if (!v) continue;
      if (IsConstant(facts, v)) {
        consts_ok &= FactsOf(facts, v).rank() <= 4;
        continue;
      }
      any_nhwc |= plan.Of(v) == ValueLayout::kNhwc;
      all_4d &= FactsOf(facts, v).rank() == 4;
    }
    const std::string& op = n->op_type();
    bool nhwc = false;
    ValueLayout out_layout = ValueLayout::kNhwc;
    if (options.keep_nchw) {
      // Only the ops that need NHWC get it; their outputs go back to NCHW on use.
      if (converters.at(n)->layout() == Layout::kNhwcNative &&
          FactsOf(facts, n->input(0)).rank() == 4) {
        plan.nhwc_nodes.insert(n);
        for (const ir::Value* o : n->outputs())
          if (o && FactsOf(facts, o).rank() == 4) plan.layout[o] = ValueLayout::kNhwc;
      }
      continue;
    }
    if (plan.nhwc_nodes.count(n)) continue;  // decided with an earlier node (channel shuffle)
    if (op == "Reshape" && any_nhwc) {
      auto [t, r2] = ChannelShuffle(g, *n, facts);
      if (t) {
        // 5-D values are kNhwc too: [N, A, B, H, W] stored [N, H, W, A, B].
        for (const ir::Node* m : {n, t, r2}) {
          plan.nhwc_nodes.insert(m);
          plan.layout[m->output(0)] = ValueLayout::kNhwc;
        }
        continue;
      }
    }
    if ((op == "Flatten" || op == "Reshape") && any_nhwc) {
      std::vector<int64_t> chw = FlattenLike(*n, facts);
      const ir::Value* out = n->output(0);
      if (!chw.empty() && chw[1] * chw[2] == 1) {
        nhwc = true;
        out_layout = ValueLayout::kPlain;
      } else if (!chw.empty() && !g.IsGraphOutput(out) && !out->users().empty()) {
        bool all_accept = true;
        for (const ir::Node* u : out->users())
          all_accept &= AcceptsFlat(g, *u, out, facts, converters);
        if (all_accept) {
          nhwc = true;
          out_layout = ValueLayout::kFlatNhwc;
          plan.flat_chw[out] = chw;
        }
      }
      if (nhwc) {
        plan.nhwc_nodes.insert(n);
        plan.layout[out] = out_layout;
      }
      continue;
    }
    if (op == "Transpose" && TransposeMakesNhwc(*n, any_nhwc, facts)) {
      // The TF perm is the identity when the output lives NHWC: a model's own
      // NCHW<-NHWC permute (convnext's permute(0, 3, 1, 2)) costs nothing.
      plan.nhwc_nodes.insert(n);
      plan.layout[n->output(0)] = ValueLayout::kNhwc;
      continue;
    }
    if ((op == "Transpose" || op == "Shape") && any_nhwc) {
      plan.nhwc_nodes.insert(n);  // outputs stay plain: the layout folds into perm / gather
      continue;
    }
    switch (converters.at(n)->layout()) {
      case Layout::kNhwcNative:
        nhwc = FactsOf(facts, n->input(0)).rank() == 4;
        break;
      case Layout::kAgnostic:
        nhwc = any_nhwc && all_4d && consts_ok;
        break;
      case Layout::kChannelAxis:
        nhwc = any_nhwc && all_4d && consts_ok && converters.at(n)->AcceptsNhwc(*n, facts);
        break;
      case Layout::kNchwOnly:
        nhwc = false;
        break;
    }
    if (!nhwc) continue;
    plan.nhwc_nodes.insert(n);
    for (const ir::Value* o : n->outputs())
      if (o && FactsOf(facts, o).rank() == 4) plan.layout[o] = ValueLayout::kNhwc;
  }
  return plan;
}

}  // namespace ferry::convert::onnx_to_tf
