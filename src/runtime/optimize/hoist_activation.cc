// Moves an activation above MaxPool, Flatten and Reshape when that brings it next to a Conv
// or Gemm that can absorb it (FuseActivation runs next). Sound because
//   f(max(a, b)) = max(f(a), f(b)) for every non-decreasing f (Relu, LeakyRelu with
//   alpha >= 0, Clip, Sigmoid, Tanh; MaxPool pads with -inf, which never wins), and
//   an elementwise f commutes with any reshaping.
// SimpleCNN's Conv -> MaxPool -> Flatten -> Relu becomes Conv+Relu -> MaxPool -> Flatten.
#include <string>
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool NonDecreasing(const ir::Node* act) {
  if (!act->domain().empty() || act->num_outputs() != 1) return false;
  const std::string& op = act->op_type();
  if (op == "Relu" || op == "Sigmoid" || op == "Tanh" || op == "Clip") return true;
  return op == "LeakyRelu" && act->GetFloat("alpha", 0.01f) >= 0.0f;
}

// A node the activation may move above: its output 0 feeds only the activation.
bool Passable(const ir::Graph& g, const ir::Node* n) {
  if (!n || !n->domain().empty()) return false;
  const std::string& op = n->op_type();
  if (op == "MaxPool") {
    // The Indices output must be unused: moving f does not change argmax, but keep it simple.
    for (int i = 1; i < n->num_outputs(); ++i)
      if (n->output(i) && (!n->output(i)->users().empty() || g.IsGraphOutput(n->output(i))))
        return false;
    return true;
  }
  return op == "Flatten" || op == "Reshape";
}

// A Conv/Gemm able to take the activation.
bool Absorber(const ir::Graph& g, const ir::Node* n) {
  if (!n || n->num_outputs() != 1 || n->has_attr(kActivationAttr)) return false;
  if (!(IsCachedConv2D(n) || IsOnnx(n, "Gemm"))) return false;
  return SingleUse(g, n->output(0));
}

// Swaps act with the node p above it: p(x) -> act  becomes  act(x) -> p.
void Swap(ir::Graph& g, ir::Node* p, ir::Node* act) {
  ir::Value* x = p->input(0);
  ir::Value* mid = p->output(0);  // reused as act's output: same element type, x's shape
  ir::Value* out = act->output(0);
  std::vector<ir::Value*> p_inputs = p->inputs(), act_inputs = act->inputs();
  const std::string p_op = p->op_type(), p_name = p->name();
  const std::string act_op = act->op_type(), act_name = act->name();
  const auto p_attrs = p->attrs(), act_attrs = act->attrs();
  std::vector<ir::Value*> p_outputs = p->outputs();
  g.RemoveNode(act);
  g.RemoveNode(p);
  act_inputs[0] = x;
  ir::Node* a = g.AddNodeWithOutputs(act_op, "", act_name, act_inputs, {mid});
  for (const auto& [k, v] : act_attrs) a->set_attr(k, v);
  mid->info() = x->info();
  p_inputs[0] = mid;
  p_outputs[0] = out;
  ir::Node* q = g.AddNodeWithOutputs(p_op, "", p_name, p_inputs, p_outputs);
  for (const auto& [k, v] : p_attrs) q->set_attr(k, v);
}

bool HoistOne(ir::Graph& g, ir::Node* act) {
  if (!NonDecreasing(act) || !act->input(0)) return false;
  // Walk up through passable nodes to an absorber; give up on anything else.
  std::vector<ir::Node*> path;
  ir::Value* v = act->input(0);
  for (;;) {
    ir::Node* p = v->producer();
    if (!p || !SingleUse(g, v)) return false;
    if (Absorber(g, p)) break;
    if (!Passable(g, p) || p->output(0) != v) return false;
    path.push_back(p);
    v = p->input(0);
    if (!v) return false;
  }
  if (path.empty()) return false;
  // act sits right below path[0]; swap upwards one node at a time. Swap recreates act, so
  // find it again as the reader of the swapped node's input.
  ir::Node* cur = act;
  for (ir::Node* p : path) {
    ir::Value* x = p->input(0);
    Swap(g, p, cur);
    cur = x->users()[0];
  }
  return true;
}

}  // namespace

int HoistActivation(ir::Graph& g) {
  std::vector<ir::Node*> acts;
  for (const auto& n : g.nodes())
    if (NonDecreasing(n.get())) acts.push_back(n.get());
  int moved = 0;
  for (ir::Node* a : acts) moved += HoistOne(g, a) ? 1 : 0;
  return moved;
}

}  // namespace ferry::runtime::optimize
