#include "runtime/session.h"

#include <cstdlib>
#include <set>
#include <thread>

#include "runtime/optimize/optimize.h"

namespace ferry::runtime {

StatusOr<Tensor*> OpContext::Output(int i, DataType dtype, Shape shape) {
  Status s = Shape::Validate(shape.dims(), SizeOf(dtype), Tensor::kMaxBytes);
  if (!s.ok()) return s.WithContext(node_.Describe() + ": output " + std::to_string(i));
  (*outputs_)[i] = Tensor(dtype, std::move(shape));
  return &(*outputs_)[i];
}

int ResolveNumThreads(int requested) {
  if (requested > 0) return requested;
  if (const char* env = std::getenv("FERRY_NUM_THREADS")) {
    int n = std::atoi(env);
    if (n > 0) return n;
  }
  unsigned hw = std::thread::hardware_concurrency();
  return hw ? static_cast<int>(hw) : 1;
}

StatusOr<std::unique_ptr<Session>> Session::Create(std::shared_ptr<const ir::Graph> graph,
                                                   const OpSet& ops, SessionOptions options) {
  std::unique_ptr<Session> s(new Session());
  s->original_ = graph;
  if (options.optimize) {
    FERRY_ASSIGN_OR_RETURN(graph, optimize::OptimizedCopy(std::move(graph), ops));
    // Subgraph sessions run their bodies as written: RunSubgraph finds values by pointer.
    options.optimize = false;
  }
  s->graph_ = std::move(graph);
  s->ops_ = &ops;
  s->num_threads_ = ResolveNumThreads(options.num_threads);
  const ir::Graph& g = *s->graph_;

  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, g.TopologicalOrder());

  auto slot = [&](const ir::Value* v) {
    auto it = s->slot_of_.find(v);
    if (it != s->slot_of_.end()) return it->second;
    int id = static_cast<int>(s->slot_values_.size());
    s->slot_of_[v] = id;
    s->slot_values_.push_back(v);
    return id;
  };
  for (const ir::Value* v : g.inputs()) slot(v);

  // Every unsupported op type is reported at once, with the first node that uses it.
  std::map<std::string, std::string> unsupported;
  std::set<const ir::Value*> defined(g.inputs().begin(), g.inputs().end());
  for (ir::Node* n : order) {
    Step step;
    step.node = n;
    for (const ir::Value* v : n->inputs()) {
      if (!v) {
        step.inputs.push_back(-1);
        continue;
      }
      int id = slot(v);
      step.inputs.push_back(id);
      if (!v->producer() && !v->is_constant() && !defined.count(v)) {
        defined.insert(v);
        s->outer_slots_.push_back(id);
      }
    }
    for (const ir::Value* v : n->outputs()) {
      step.outputs.push_back(v ? slot(v) : -1);
      if (v) defined.insert(v);
    }
    int64_t version = g.opset(n->domain());
    if (version == 0 && n->domain().empty()) version = 1 << 20;  // no import: newest
    const OpFactory* f = ops.Find(n->domain(), n->op_type(), version);
    if (!f) {
      std::string key = n->domain().empty() ? n->op_type() : n->domain() + ":" + n->op_type();
      unsupported.emplace(key, n->name());
      s->steps_.push_back(std::move(step));
      continue;
    }
    NodeInfo info(*n, version, s->num_threads_);
    step.op = (*f)(info);
    if (!step.op->init_status().ok()) return step.op->init_status();
    for (const auto& [k, a] : n->attrs()) {
      std::vector<std::shared_ptr<ir::Graph>> subs;
      if (a.kind() == ir::AttrKind::kGraph) subs.push_back(a.g());
      if (a.kind() == ir::AttrKind::kGraphs) subs = a.graphs();
      for (const auto& sg : subs) {
        auto sub = Create(sg, ops, options);
        if (!sub.ok()) return sub.status().WithContext(n->Describe() + " attribute '" + k + "'");
        s->subsessions_[sg.get()] = std::move(sub).value();
      }
    }
    s->steps_.push_back(std::move(step));
  }
  if (!unsupported.empty()) {
    std::string msg = "unsupported op" + std::string(unsupported.size() > 1 ? "s" : "") + ": ";
    bool first = true;
    for (const auto& [op, node] : unsupported) {
      msg += (first ? "" : ", ") + op + " (node '" + node + "')";
      first = false;
    }
    return Unimplemented(msg);
  }
  for (const ir::Value* v : g.outputs()) {
    if (!v) return InvalidArgument("graph has an empty output");
    slot(v);
  }

  // Free each intermediate after its last use; graph outputs and constants are kept.
  std::vector<int> last_use(s->slot_values_.size(), -1);
  for (size_t i = 0; i < s->steps_.size(); ++i)
    for (int id : s->steps_[i].inputs)
      if (id >= 0) last_use[id] = static_cast<int>(i);
  std::set<int> keep;
  for (const ir::Value* v : g.outputs()) keep.insert(s->slot_of_[v]);
  for (size_t id = 0; id < last_use.size(); ++id) {
    if (last_use[id] >= 0 && !keep.count(static_cast<int>(id)) &&
        !s->slot_values_[id]->is_constant())
      s->steps_[last_use[id]].release.push_back(static_cast<int>(id));
  }
  return s;
}

Status Session::CheckInput(const ir::Value& v, const Tensor& t) const {
  if (v.dtype() != DataType::kUndefined && t.dtype() != v.dtype())
    return InvalidArgument("input '" + v.name() + "': dtype " + DataTypeName(t.dtype()) +
                           ", expected " + DataTypeName(v.dtype()));
  if (v.info().shape) {
    const auto& dims = *v.info().shape;
    if (static_cast<int>(dims.size()) != t.rank())
      return InvalidArgument("input '" + v.name() + "': shape " + t.shape().ToString() +
                             " has rank " + std::to_string(t.rank()) + ", expected " +
                             v.info().ShapeString());
    for (int i = 0; i < t.rank(); ++i) {
      if (dims[i].known() && dims[i].value != t.dim(i))
        return InvalidArgument("input '" + v.name() + "': shape " + t.shape().ToString() +
                               ", expected " + v.info().ShapeString());
    }
  }
  return Status::Ok();
}

Status Session::Execute(const std::vector<Tensor>& inputs,
                        const std::map<std::string, Tensor>* outer, std::vector<Tensor>* slots,
                        bool keep_all) const {
  const auto& gin = graph_->inputs();
  if (inputs.size() != gin.size())
    return InvalidArgument("model takes " + std::to_string(gin.size()) + " inputs, got " +
                           std::to_string(inputs.size()));
  slots->assign(slot_values_.size(), Tensor());
  for (size_t i = 0; i < gin.size(); ++i) {
    FERRY_RETURN_IF_ERROR(CheckInput(*gin[i], inputs[i]));
    (*slots)[slot_of_.at(gin[i])] = inputs[i];
  }
  for (int id : outer_slots_) {
    const std::string& name = slot_values_[id]->name();
    auto it = outer ? outer->find(name) : decltype(outer->end()){};
    if (!outer || it == outer->end())
      return InvalidArgument("value '" + name + "' is used but never defined");
    (*slots)[id] = it->second;
  }
  for (size_t id = 0; id < slot_values_.size(); ++id)
    if (slot_values_[id]->is_constant()) (*slots)[id] = slot_values_[id]->constant();

  std::vector<Tensor> outs;
  for (const Step& step : steps_) {
    std::vector<const Tensor*> ins;
    ins.reserve(step.inputs.size());
    for (int id : step.inputs) {
      const Tensor* t = id >= 0 ? &(*slots)[id] : nullptr;
      ins.push_back(t && t->defined() ? t : nullptr);
    }
    outs.assign(step.outputs.size(), Tensor());
    OpContext ctx(*step.node, std::move(ins), &outs, num_threads_, this);
    FERRY_RETURN_IF_ERROR(step.op->Run(ctx));
    for (size_t i = 0; i < step.outputs.size(); ++i)
      if (step.outputs[i] >= 0) (*slots)[step.outputs[i]] = std::move(outs[i]);
    if (!keep_all)
      for (int id : step.release) (*slots)[id] = Tensor();
  }
  return Status::Ok();
}

StatusOr<std::vector<Tensor>> Session::Run(const std::vector<Tensor>& inputs) const {
  std::vector<Tensor> slots;
  FERRY_RETURN_IF_ERROR(Execute(inputs, nullptr, &slots, false));
  std::vector<Tensor> result;
  for (const ir::Value* v : graph_->outputs()) result.push_back(slots[slot_of_.at(v)]);
  return result;
}

StatusOr<std::vector<Tensor>> Session::Run(const std::map<std::string, Tensor>& inputs) const {
  std::vector<Tensor> ordered;
  for (const ir::Value* v : graph_->inputs()) {
    auto it = inputs.find(v->name());
    if (it == inputs.end()) return InvalidArgument("missing input '" + v->name() + "'");
    ordered.push_back(it->second);
  }
  for (const auto& [name, t] : inputs) {
    bool known = false;
    for (const ir::Value* v : graph_->inputs()) known |= v->name() == name;
    if (!known) return InvalidArgument("model has no input named '" + name + "'");
  }
  return Run(ordered);
}

StatusOr<std::map<std::string, Tensor>> Session::RunAndKeepAll(
    const std::vector<Tensor>& inputs) const {
  if (original_ && original_ != graph_) {  // per-node values are those of the graph as written
    SessionOptions plain;
    plain.num_threads = num_threads_;
    plain.optimize = false;
    FERRY_ASSIGN_OR_RETURN(auto session, Create(original_, *ops_, plain));
    return session->RunAndKeepAll(inputs);
  }
  std::vector<Tensor> slots;
  FERRY_RETURN_IF_ERROR(Execute(inputs, nullptr, &slots, true));
  std::map<std::string, Tensor> all;
  for (size_t id = 0; id < slot_values_.size(); ++id)
    if (slots[id].defined()) all[slot_values_[id]->name()] = slots[id];
  return all;
}

StatusOr<std::vector<Tensor>> Session::RunSubgraph(const ir::Graph& g,
                                                   const std::vector<Tensor>& inputs,
                                                   const std::map<std::string, Tensor>& outer) const {
  auto it = subsessions_.find(&g);
  if (it == subsessions_.end()) return Internal("subgraph '" + g.name() + "' has no session");
  const Session& sub = *it->second;
  std::vector<Tensor> slots;
  FERRY_RETURN_IF_ERROR(sub.Execute(inputs, &outer, &slots, false));
  std::vector<Tensor> result;
  for (const ir::Value* v : g.outputs()) result.push_back(slots[sub.slot_of_.at(v)]);
  return result;
}

}  // namespace ferry::runtime
