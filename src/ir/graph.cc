#include "ir/graph.h"

#include <algorithm>
#include <set>
#include <unordered_map>
#include <unordered_set>

namespace ferry::ir {

const char* AttrKindName(AttrKind k) {
  switch (k) {
    case AttrKind::kInt: return "int";
    case AttrKind::kFloat: return "float";
    case AttrKind::kString: return "string";
    case AttrKind::kTensor: return "tensor";
    case AttrKind::kGraph: return "graph";
    case AttrKind::kType: return "type";
    case AttrKind::kInts: return "ints";
    case AttrKind::kFloats: return "floats";
    case AttrKind::kStrings: return "strings";
    case AttrKind::kTensors: return "tensors";
    case AttrKind::kGraphs: return "graphs";
    case AttrKind::kTypes: return "types";
    case AttrKind::kShape: return "shape";
    case AttrKind::kBool: return "bool";
  }
  return "?";
}

std::string ValueInfo::ShapeString() const {
  if (!shape) return "?";
  std::string s = "[";
  for (size_t i = 0; i < shape->size(); ++i) {
    if (i) s += ",";
    const Dim& d = (*shape)[i];
    s += d.known() ? std::to_string(d.value) : (d.param.empty() ? "?" : d.param);
  }
  return s + "]";
}

void Value::set_constant(Tensor t) {
  info_.dtype = t.dtype();
  std::vector<Dim> dims;
  for (int64_t d : t.shape().dims()) dims.push_back(Dim::Known(d));
  info_.shape = std::move(dims);
  constant_ = std::move(t);
}

void Node::ReplaceInput(int i, Value* v) {
  Value* old = inputs_[i];
  if (old) {
    auto it = std::find(old->users_.begin(), old->users_.end(), this);
    if (it != old->users_.end()) old->users_.erase(it);
  }
  inputs_[i] = v;
  if (v) v->users_.push_back(this);
}

void Node::AddInput(Value* v) {
  inputs_.push_back(v);
  if (v) v->users_.push_back(this);
}

const Attribute* Node::attr(const std::string& k) const {
  auto it = attrs_.find(k);
  return it == attrs_.end() ? nullptr : &it->second;
}

int64_t Node::GetInt(const std::string& k, int64_t def) const {
  const Attribute* a = attr(k);
  if (!a) return def;
  if (a->kind() == AttrKind::kBool) return a->b();
  return a->kind() == AttrKind::kInt ? a->i() : def;
}

float Node::GetFloat(const std::string& k, float def) const {
  const Attribute* a = attr(k);
  return a && a->kind() == AttrKind::kFloat ? a->f() : def;
}

std::string Node::GetString(const std::string& k, const std::string& def) const {
  const Attribute* a = attr(k);
  return a && a->kind() == AttrKind::kString ? a->s() : def;
}

std::vector<int64_t> Node::GetInts(const std::string& k, std::vector<int64_t> def) const {
  const Attribute* a = attr(k);
  return a && a->kind() == AttrKind::kInts ? a->ints() : def;
}

std::vector<float> Node::GetFloats(const std::string& k, std::vector<float> def) const {
  const Attribute* a = attr(k);
  return a && a->kind() == AttrKind::kFloats ? a->floats() : def;
}

std::string Node::Describe() const {
  return op_type_ + " '" + name_ + "'";
}

Value* Graph::AddValue(std::string name, ValueInfo info) {
  auto v = std::make_unique<Value>();
  if (name.empty() || by_name_.count(name)) name = UniqueName(name.empty() ? "v" : name);
  v->name_ = name;
  v->info_ = std::move(info);
  Value* p = v.get();
  by_name_[name] = p;
  values_.push_back(std::move(v));
  return p;
}

Value* Graph::AddConstant(std::string name, Tensor t) {
  Value* v = AddValue(std::move(name));
  v->set_constant(std::move(t));
  return v;
}

Value* Graph::FindValue(const std::string& name) const {
  auto it = by_name_.find(name);
  return it == by_name_.end() ? nullptr : it->second;
}

std::string Graph::UniqueName(const std::string& base) {
  if (!by_name_.count(base) && !base.empty()) return base;
  for (;;) {
    std::string n = base + "__" + std::to_string(next_id_++);
    if (!by_name_.count(n)) return n;
  }
}

Node* Graph::AddNode(std::string op_type, std::string domain, std::string name,
                     std::vector<Value*> inputs, const std::vector<std::string>& output_names) {
  std::vector<Value*> outs;
  for (const auto& n : output_names) outs.push_back(AddValue(n));
  return AddNodeWithOutputs(std::move(op_type), std::move(domain), std::move(name),
                            std::move(inputs), std::move(outs));
}

Node* Graph::AddNodeWithOutputs(std::string op_type, std::string domain, std::string name,
                                std::vector<Value*> inputs, std::vector<Value*> outputs) {
  auto n = std::make_unique<Node>();
  n->op_type_ = std::move(op_type);
  n->domain_ = std::move(domain);
  n->name_ = std::move(name);
  for (Value* v : inputs) n->AddInput(v);
  for (size_t i = 0; i < outputs.size(); ++i) {
    if (outputs[i]) {
      outputs[i]->producer_ = n.get();
      outputs[i]->producer_output_ = static_cast<int>(i);
    }
  }
  n->outputs_ = std::move(outputs);
  Node* p = n.get();
  nodes_.push_back(std::move(n));
  p->self_ = std::prev(nodes_.end());
  return p;
}

void Graph::RemoveNode(Node* n) {
  for (int i = 0; i < n->num_inputs(); ++i) n->ReplaceInput(i, nullptr);
  for (Value* o : n->outputs_) {
    if (o && o->producer_ == n) {
      o->producer_ = nullptr;
      o->producer_output_ = -1;
    }
  }
  nodes_.erase(n->self_);
}

void Graph::ReplaceAllUses(Value* from, Value* to) {
  std::vector<Node*> users = from->users_;
  for (Node* u : users) {
    for (int i = 0; i < u->num_inputs(); ++i)
      if (u->inputs_[i] == from) u->ReplaceInput(i, to);
  }
  for (Value*& o : outputs_)
    if (o == from) o = to;
}

std::vector<Value*> Graph::values() const {
  std::vector<Value*> r;
  r.reserve(values_.size());
  for (const auto& v : values_) r.push_back(v.get());
  return r;
}

bool Graph::IsGraphOutput(const Value* v) const {
  return std::find(outputs_.begin(), outputs_.end(), v) != outputs_.end();
}

int64_t Graph::opset(const std::string& domain) const {
  auto it = opsets_.find(domain);
  return it == opsets_.end() ? 0 : it->second;
}

StatusOr<std::vector<Node*>> Graph::TopologicalOrder() const {
  // Kahn's algorithm, stable with respect to the stored node order.
  std::unordered_map<const Node*, int> pending;
  std::vector<Node*> order;
  order.reserve(nodes_.size());
  std::vector<Node*> ready;
  for (const auto& n : nodes_) {
    int deps = 0;
    for (Value* v : n->inputs_)
      if (v && v->producer_) ++deps;
    pending[n.get()] = deps;
  }
  for (const auto& n : nodes_)
    if (pending[n.get()] == 0) ready.push_back(n.get());
  std::reverse(ready.begin(), ready.end());
  while (!ready.empty()) {
    Node* n = ready.back();
    ready.pop_back();
    order.push_back(n);
    std::vector<Node*> next;
    for (Value* o : n->outputs_) {
      if (!o) continue;
      for (Node* u : o->users_) {
        // A node may consume the same value several times: count each edge.
        if (--pending[u] == 0) next.push_back(u);
      }
    }
    for (auto it = next.rbegin(); it != next.rend(); ++it) ready.push_back(*it);
  }
  if (order.size() != nodes_.size()) {
    for (const auto& n : nodes_)
      if (pending[n.get()] > 0) return InvalidArgument("graph has a cycle through " + n->Describe());
  }
  return order;
}

int Graph::EliminateDeadCode() {
  std::unordered_set<const Value*> live(outputs_.begin(), outputs_.end());
  std::unordered_set<const Node*> live_nodes;
  std::vector<const Value*> stack(outputs_.begin(), outputs_.end());
  while (!stack.empty()) {
    const Value* v = stack.back();
    stack.pop_back();
    if (!v || !v->producer_ || live_nodes.count(v->producer_)) continue;
    live_nodes.insert(v->producer_);
    for (Value* in : v->producer_->inputs_) {
      if (in && live.insert(in).second) stack.push_back(in);
    }
    // Subgraph attributes may read outer values by name: keep those alive.
    for (const auto& [k, a] : v->producer_->attrs_) {
      std::vector<std::shared_ptr<Graph>> gs;
      if (a.kind() == AttrKind::kGraph) gs.push_back(a.g());
      if (a.kind() == AttrKind::kGraphs) gs = a.graphs();
      for (const auto& g : gs) {
        std::vector<const Graph*> todo{g.get()};
        while (!todo.empty()) {
          const Graph* sg = todo.back();
          todo.pop_back();
          for (const auto& sn : sg->nodes_) {
            for (Value* sv : sn->inputs_) {
              if (!sv) continue;
              // A subgraph names outer values through placeholders of its own: values with
              // no producer that are neither its inputs nor constants.
              if (sv->producer_ || sv->is_constant() ||
                  std::find(sg->inputs_.begin(), sg->inputs_.end(), sv) != sg->inputs_.end())
                continue;
              Value* outer = FindValue(sv->name());
              if (outer && live.insert(outer).second) stack.push_back(outer);
            }
            for (const auto& [k2, a2] : sn->attrs_) {
              if (a2.kind() == AttrKind::kGraph) todo.push_back(a2.g().get());
              if (a2.kind() == AttrKind::kGraphs)
                for (const auto& g2 : a2.graphs()) todo.push_back(g2.get());
            }
          }
        }
      }
    }
  }
  int removed = 0;
  for (auto it = nodes_.begin(); it != nodes_.end();) {
    Node* n = it->get();
    ++it;
    if (!live_nodes.count(n)) {
      RemoveNode(n);
      ++removed;
    }
  }
  for (Value* in : inputs_) live.insert(in);
  std::vector<std::unique_ptr<Value>> kept;
  for (auto& v : values_) {
    if (live.count(v.get()) || v->producer_) {
      kept.push_back(std::move(v));
    } else {
      by_name_.erase(v->name_);
    }
  }
  values_ = std::move(kept);
  return removed;
}

}  // namespace ferry::ir
