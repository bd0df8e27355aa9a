#include "convert/onnx_to_tf/passes/to_nhwc.h"

#include <algorithm>

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

// Flatten/Reshape of NHWC (NDHWC) x into [N, C*H*W] ([N, C*D*H*W]): returns {C, H, W}
// ({C, D, H, W}) or empty.
std::vector<int64_t> FlattenLike(const ir::Node& n, const FactsMap& facts) {
  const ValueFacts& in = FactsOf(facts, n.input(0));
  const ValueFacts& out = FactsOf(facts, n.output(0));
  const int r = in.rank();
  if (!IsChannelsLastRank(r) || out.rank() != 2) return {};
  if (n.op_type() == "Flatten" && n.GetInt("axis", 1) != 1) return {};
  const auto& id = *in.dims;
  const auto& od = *out.dims;
  if (!(id[0] == od[0])) return {};
  std::vector<int64_t> chw;
  int64_t features = 1;
  for (int i = 1; i < r; ++i) {
    if (!id[i].known()) return {};
    chw.push_back(id[i].value);
    features *= id[i].value;
  }
  if (!od[1].known() || od[1].value != features) return {};
  return chw;
}

// A 4-D (5-D) Transpose whose output, laid out NHWC (NDHWC), is its TF input as is: perm
// (0, 3, 1, 2) ((0, 4, 1, 2, 3)) of a plain value (the inverse of the channels-last
// permutation), or the identity of an NHWC one.
bool TransposeMakesNhwc(const ir::Node& n, bool in_nhwc, const FactsMap& facts) {
  const int r = FactsOf(facts, n.input(0)).rank();
  if (!IsChannelsLastRank(r) || FactsOf(facts, n.output(0)).rank() != r) return false;
  std::vector<int64_t> perm = n.GetInts("perm");
  if (perm.empty())
    for (int i = r - 1; i >= 0; --i) perm.push_back(i);
  std::vector<int64_t> want = ToNchwPerm(r);
  if (in_nhwc)
    for (int i = 0; i < r; ++i) want[i] = i;
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
      if (!in->is_constant() && IsChannelsLastRank(FactsOf(facts, in).rank()))
        plan.layout[in] = ValueLayout::kNhwc;
  for (const ir::Node* n : order) {
    // Folded nodes are emitted as constants: nothing to lay out.
    bool folded = n->num_outputs() > 0;
    for (const ir::Value* o : n->outputs()) folded &= !o || IsConstant(facts, o);
    if (folded) continue;

    bool any_nhwc = false, same_rank = true;
    int rank = -1, const_rank = 0;  // of the non-constant inputs; the highest constant one
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
      const int r = FactsOf(facts, v).rank();
      if (IsConstant(facts, v)) {
        const_rank = std::max(const_rank, r);
        continue;
      }
      any_nhwc |= plan.Of(v) == ValueLayout::kNhwc;
      if (rank < 0) rank = r;
      same_rank &= r == rank;
    }
    // The activations are all 4-D or all 5-D, and no constant has more dims.
    const bool layout_rank = same_rank && IsChannelsLastRank(rank) && const_rank <= rank;
    const OpConverter& c = *converters.at(n);
    // A kNhwcNative op lays out by its input 0; 5-D only where the converter handles NDHWC.
    const int native_rank = FactsOf(facts, n->input(0)).rank();
    const bool native_ok = c.layout() == Layout::kNhwcNative &&
                           (native_rank == 4 || (native_rank == 5 && c.AcceptsNdhwc(*n, facts)));
    // Marks n channels-last: its outputs of rank r (the node's own) are NHWC / NDHWC.
    auto lay_out = [&](int r) {
      plan.nhwc_nodes.insert(n);
      for (const ir::Value* o : n->outputs())
        if (o && FactsOf(facts, o).rank() == r) plan.layout[o] = ValueLayout::kNhwc;
    };
    const std::string& op = n->op_type();
    bool nhwc = false;
    ValueLayout out_layout = ValueLayout::kNhwc;
    if (options.keep_nchw) {
      // Only the ops that need NHWC get it; their outputs go back to NCHW on use.
      if (native_ok) lay_out(native_rank);
      continue;
    }
    if (plan.nhwc_nodes.count(n)) continue;  // decided with an earlier node (channel shuffle)
    if (op == "Reshape" && any_nhwc) {
      auto [t, r2] = ChannelShuffle(g, *n, facts);
      if (t) {
        // Its 5-D values are kShuffle: [N, A, B, H, W] stored [N, H, W, A, B].
        for (const ir::Node* m : {n, t, r2}) {
          plan.nhwc_nodes.insert(m);
          plan.layout[m->output(0)] = m == r2 ? ValueLayout::kNhwc : ValueLayout::kShuffle;
        }
        continue;
      }
    }
    if ((op == "Flatten" || op == "Reshape") && any_nhwc) {
      std::vector<int64_t> chw = FlattenLike(*n, facts);
      const ir::Value* out = n->output(0);
      int64_t spatial = 1;
      for (size_t i = 1; i < chw.size(); ++i) spatial *= chw[i];
      if (!chw.empty() && spatial == 1) {
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
    // 5-D activations: only through converters that handle NDHWC.
    const bool rank_ok = layout_rank && (rank == 4 || c.AcceptsNdhwc(*n, facts));
    switch (c.layout()) {
      case Layout::kNhwcNative:
        if (native_ok) lay_out(native_rank);
        break;
      case Layout::kAgnostic:
        if (any_nhwc && rank_ok) lay_out(rank);
        break;
      case Layout::kChannelAxis:
        if (any_nhwc && rank_ok && c.AcceptsNhwc(*n, facts)) lay_out(rank);
        break;
      case Layout::kNchwOnly:
        break;
    }
  }
  return plan;
}

}  // namespace ferry::convert::onnx_to_tf
