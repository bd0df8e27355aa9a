// Chains of elementwise float ops -> one ai.ferry:ElementwiseChain node that makes one pass
// over memory (kernels::ElementwiseChain) instead of one pass, one allocation and one
// session step per op. A chain starts at a value x and follows single readers through
//   unary: Relu, Sigmoid, Tanh, Erf, Sqrt, Exp, Log, Neg, Abs, Reciprocal, Floor, Ceil;
//   binary: Add, Sub, Mul, Div of the running value with a float scalar constant, or with x
//           itself (torch's Gelu: x * 0.5 * (1 + erf(x / sqrt 2)) reads x twice),
// and is fused when it has at least two ops. Scalars never widen the result (rank 0, or no
// longer than x's known rank), so the chain's output has x's shape. The chain must be float:
// x known to be float or a float constant in it. Each step rounds as its op does: the fused
// output equals the separate ops' bitwise.
#include <string>
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool IsChainUnary(const std::string& op) {
  for (const char* u : {"Relu", "Sigmoid", "Tanh", "Erf", "Sqrt", "Exp", "Log", "Neg", "Abs",
                        "Reciprocal", "Floor", "Ceil"})
    if (op == u) return true;
  return false;
}

bool IsChainBinary(const std::string& op) {
  return op == "Add" || op == "Sub" || op == "Mul" || op == "Div";
}

// A float scalar constant that cannot broadcast x to a higher rank.
bool Scalar(const ir::Value* v, const ir::Value* x, float* out) {
  if (!v || !v->is_constant()) return false;
  const Tensor& t = v->constant();
  if (t.dtype() != DataType::kFloat32 || t.NumElements() != 1) return false;
  if (t.rank() > 0 && !(x->info().shape && static_cast<int>(x->info().shape->size()) >= t.rank()))
    return false;
  *out = t.data<float>()[0];
  return true;
}

struct Step {
  ir::Node* node;
  int64_t kind;  // kernels::ChainStep::Kind as int
  float c;
};

// The step `n` makes when it reads the running value `t` of a chain from x; false if none.
bool AsStep(ir::Node* n, const ir::Value* t, const ir::Value* x, Step* s, bool* is_float) {
  if (!n->domain().empty() || n->num_outputs() != 1) return false;
  s->node = n;
  s->c = 0.0f;
  if (IsChainUnary(n->op_type())) {
    if (n->num_inputs() != 1 || n->input(0) != t) return false;
    s->kind = 0;
    return true;
  }
  if (!IsChainBinary(n->op_type()) || n->num_inputs() != 2) return false;
  const bool right = n->input(0) == t;  // t op other
  ir::Value* other = right ? n->input(1) : n->input(0);
  if (!right && n->input(1) != t) return false;
  if (other == t) return false;  // t op t
  if (Scalar(other, x, &s->c)) {
    s->kind = right ? 1 : 2;
    *is_float = true;
    return true;
  }
  if (other == x && t != x) {
    s->kind = right ? 3 : 4;
    return true;
  }
  return false;
}

// Grows a chain from `head`, which reads x; returns its steps (possibly fewer than two).
std::vector<Step> Chain(const ir::Graph& g, ir::Node* head, ir::Value* x, bool* is_float) {
  std::vector<Step> steps;
  Step s;
  if (!AsStep(head, x, x, &s, is_float)) return steps;
  steps.push_back(s);
  ir::Value* t = head->output(0);
  while (SingleUse(g, t)) {
    ir::Node* next = t->users()[0];
    if (!AsStep(next, t, x, &s, is_float)) break;
    steps.push_back(s);
    t = next->output(0);
  }
  return steps;
}

}  // namespace

int FuseElementwiseChains(ir::Graph& g) {
  int fused = 0;
  bool changed = true;
  while (changed) {
    changed = false;
    for (const auto& node : g.nodes()) {
      ir::Node* head = node.get();
      if (!head->domain().empty() || head->num_inputs() < 1) continue;
      const std::string& op = head->op_type();
      if (!IsChainUnary(op) && !IsChainBinary(op)) continue;
      // The chain's input: the operand that is neither a scalar constant nor missing.
      for (int i = 0; i < head->num_inputs() && i < 2; ++i) {
        ir::Value* x = head->input(i);
        if (!x || x->is_constant()) continue;
        bool is_float = x->dtype() == DataType::kFloat32;
        std::vector<Step> steps = Chain(g, head, x, &is_float);
        if (steps.size() < 2 || !is_float) continue;
        std::vector<std::string> ops;
        std::vector<int64_t> kinds;
        std::vector<float> consts;
        for (const Step& s : steps) {
          ops.push_back(s.node->op_type());
          kinds.push_back(s.kind);
          consts.push_back(s.c);
        }
        ir::Value* out = steps.back().node->output(0);
        const std::string name = head->name();
        for (const Step& s : steps) g.RemoveNode(s.node);
        ir::Node* n = g.AddNodeWithOutputs("ElementwiseChain", kFerryDomain, name, {x}, {out});
        n->set_attr("ops", ir::Attribute::Strings(ops));
        n->set_attr("operands", ir::Attribute::Ints(kinds));
        n->set_attr("constants", ir::Attribute::Floats(consts));
        ++fused;
        changed = true;
        break;
      }
      if (changed) break;  // the node list changed under the loop
    }
  }
  if (fused) g.opset_imports()[kFerryDomain] = 1;
  return fused;
}

}  // namespace ferry::runtime::optimize
