#include "runtime/session.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <thread>

#include "runtime/optimize/optimize.h"
#include "runtime/prepare.h"

namespace ferry::runtime {

namespace {

bool IsOuterRef(const ir::Value* v, const std::set<const ir::Value*>& inputs) {
  return v && !v->producer() && !v->is_constant() && !inputs.count(v);
}

bool EnvSet(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

bool IsShapeOp(const ir::Node& n) {
  return n.domain().empty() && (n.op_type() == "Shape" || n.op_type() == "Size");
}

std::vector<const ir::Graph*> Subgraphs(const ir::Node& n) {
  std::vector<const ir::Graph*> subs;
  for (const auto& [k, a] : n.attrs()) {
    if (a.kind() == ir::AttrKind::kGraph) subs.push_back(a.g().get());
    if (a.kind() == ir::AttrKind::kGraphs)
      for (const auto& sg : a.graphs()) subs.push_back(sg.get());
  }
  return subs;
}

// The names `g` and the subgraphs inside it read from enclosing scopes (ONNX IR, "Names
// Within a Graph": a subgraph may use any value visible in the graphs around it).
void CollectOuterNames(const ir::Graph& g, std::set<std::string>* names) {
  const std::set<const ir::Value*> inputs(g.inputs().begin(), g.inputs().end());
  for (const auto& n : g.nodes()) {
    for (const ir::Value* v : n->inputs())
      if (IsOuterRef(v, inputs)) names->insert(v->name());
    for (const ir::Graph* sg : Subgraphs(*n)) {
      std::set<std::string> inner;
      CollectOuterNames(*sg, &inner);
      for (const std::string& name : inner) {
        const ir::Value* v = g.FindValue(name);
        if (!v || IsOuterRef(v, inputs)) names->insert(name);
      }
    }
  }
  for (const ir::Value* v : g.outputs())
    if (IsOuterRef(v, inputs)) names->insert(v->name());
}

}  // namespace

StatusOr<Tensor*> OpContext::Output(int i, DataType dtype, Shape shape) {
  Status s = Shape::Validate(shape.dims(), SizeOf(dtype), Tensor::kMaxBytes);
  if (!s.ok()) return s.WithContext(node_.Describe() + ": output " + std::to_string(i));
  (*outputs_)[i] = Value(Tensor(dtype, std::move(shape)));
  return &(*outputs_)[i].mutable_tensor();
}

StatusOr<Tensor*> OpContext::OutputInPlace(int out, int in, DataType dtype, Shape shape) {
  const Value* v = input_value(in);
  if (in >= 0 && in < 64 && (dying_inputs_ >> in & 1) && v && v->is_tensor()) {
    const Tensor& t = v->tensor();
    if (t.dtype() == dtype && t.shape() == shape && t.HoldsBufferAlone()) {
      (*outputs_)[out] = Value(t);  // the input's slot lets go of it after this step
      return &(*outputs_)[out].mutable_tensor();
    }
  }
  return Output(out, dtype, std::move(shape));
}

StatusOr<std::vector<Value>> OpContext::RunSubgraph(const ir::Graph& g,
                                                    const std::vector<Value>& inputs) const {
  if (!session_ || !frame_) return Internal(node_.Describe() + ": no session to run a subgraph");
  auto out = session_->RunSubgraph(g, inputs, *frame_);
  if (!out.ok()) return out.status().WithContext(node_.Describe() + " subgraph '" + g.name() + "'");
  return out;
}

const Value* Frame::Lookup(const std::string& name) const {
  for (const Frame* f = this; f; f = f->parent) {
    auto it = f->session->slot_by_name_.find(name);
    if (it != f->session->slot_by_name_.end() && (*f->slots)[it->second].defined())
      return &(*f->slots)[it->second];
  }
  return nullptr;
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
  const bool optimize = options.optimize;
  if (options.optimize) {
    FERRY_ASSIGN_OR_RETURN(graph, optimize::OptimizedCopy(std::move(graph), ops));
    // Subgraph sessions run their bodies as written: RunSubgraph finds values by pointer.
    options.optimize = false;
  }
  s->graph_ = std::move(graph);
  s->ops_ = &ops;
  s->num_threads_ = ResolveNumThreads(options.num_threads);
  const ir::Graph& g = *s->graph_;
  s->options_ = options;
  s->options_.num_threads = s->num_threads_;
  s->options_.optimize = optimize;
  if (!g.parent() && options.reuse_buffers && !EnvSet("FERRY_NO_BUFFER_POOL"))
    s->pool_ = std::make_shared<BufferPool>();
  // Preparing per input shapes pays when the optimizer ran, some input dim is not known and
  // the graph computes with shapes.
  if (optimize && s->graph_ != s->original_ && options.max_prepared_shapes > 0 &&
      !EnvSet("FERRY_NO_PREPARE")) {  // FERRY_NO_PREPARE=1: every shape runs generically
    bool dynamic = false, shape_ops = false;
    for (const ir::Value* v : g.inputs()) {
      if (!v->info().shape) {
        dynamic = true;
        continue;
      }
      for (const ir::Dim& d : *v->info().shape) dynamic |= !d.known();
    }
    for (const auto& n : g.nodes()) shape_ops |= IsShapeOp(*n);
    s->prepare_per_shape_ = dynamic && shape_ops;
  }
  // The graph as given is only needed for per-node values and for preparing per shape.
  if (!options.keep_original_graph && optimize && s->graph_ != s->original_ &&
      !s->prepare_per_shape_) {
    s->original_.reset();
    s->original_released_ = true;
  }

  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, g.TopologicalOrder());

  auto slot = [&](const ir::Value* v) {
    auto it = s->slot_of_.find(v);
    if (it != s->slot_of_.end()) return it->second;
    int id = static_cast<int>(s->slot_values_.size());
    s->slot_of_[v] = id;
    s->slot_by_name_[v->name()] = id;
    s->slot_values_.push_back(v);
    return id;
  };
  for (const ir::Value* v : g.inputs()) slot(v);

  // Every unsupported op type is reported at once, with the first node that uses it.
  std::map<std::string, std::string> unsupported;
  const std::set<const ir::Value*> graph_inputs(g.inputs().begin(), g.inputs().end());
  std::set<const ir::Value*> defined(g.inputs().begin(), g.inputs().end());
  auto mark_outer = [&](const ir::Value* v, int id) {
    if (IsOuterRef(v, graph_inputs) && !defined.count(v)) {
      defined.insert(v);
      s->outer_slots_.push_back(id);
    }
  };
  // Slots that subgraphs of a step read by name: they must live until that step.
  std::map<size_t, std::vector<int>> implicit_uses;
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
      mark_outer(v, id);
    }
    for (const ir::Graph* sg : Subgraphs(*n)) {
      std::set<std::string> names;
      CollectOuterNames(*sg, &names);
      for (const std::string& name : names) {
        // Values of graphs further out are found through the enclosing frames.
        const ir::Value* v = g.FindValue(name);
        if (!v) continue;
        const int id = slot(v);
        implicit_uses[s->steps_.size()].push_back(id);
        mark_outer(v, id);
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
    if (s->original_released_) s->ReleasePackedConstants(*n, *step.op);
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
    mark_outer(v, slot(v));  // a subgraph may output an outer value as it is
  }

  // Free each intermediate after its last use; graph outputs and constants are kept.
  std::vector<int> last_use(s->slot_values_.size(), -1);
  for (size_t i = 0; i < s->steps_.size(); ++i) {
    for (int id : s->steps_[i].inputs)
      if (id >= 0) last_use[id] = static_cast<int>(i);
    for (int id : implicit_uses[i]) last_use[id] = static_cast<int>(i);
  }
  std::set<int> keep;
  for (const ir::Value* v : g.outputs()) keep.insert(s->slot_of_[v]);
  for (size_t id = 0; id < last_use.size(); ++id) {
    if (last_use[id] >= 0 && !keep.count(static_cast<int>(id)) &&
        !s->slot_values_[id]->is_constant())
      s->steps_[last_use[id]].release.push_back(static_cast<int>(id));
  }
  // Inputs that die at their step, read through one input only (OpContext::OutputInPlace).
  for (size_t i = 0; i < s->steps_.size(); ++i) {
    Step& step = s->steps_[i];
    for (size_t j = 0; j < step.inputs.size() && j < 64; ++j) {
      const int id = step.inputs[j];
      if (id < 0 || std::count(step.release.begin(), step.release.end(), id) == 0 ||
          std::count(step.inputs.begin(), step.inputs.end(), id) != 1 ||
          std::count(implicit_uses[i].begin(), implicit_uses[i].end(), id) != 0)
        continue;
      step.dying_inputs |= uint64_t{1} << j;
    }
  }
  return s;
}

void Session::ReleasePackedConstants(const ir::Node& n, const Op& op) {
  for (int i : op.ReleasableConstantInputs()) {
    const ir::Value* v = i < n.num_inputs() ? n.input(i) : nullptr;
    if (!v || !v->is_constant() || graph_->IsGraphOutput(v)) continue;
    bool only_here = true;
    for (const ir::Node* u : v->users()) only_here = only_here && u == &n;
    if (!only_here) continue;
    // The optimized copy belongs to this session alone once the graph as given is released
    // (Create), so changing one of its values is seen by no one else.
    // The op then sees the input as omitted.
    const_cast<ir::Value*>(v)->clear_constant();
    ++released_constants_;
  }
}

Status Session::CheckInput(const ir::Value& v, const Value& value) const {
  const bool typed = v.dtype() != DataType::kUndefined || v.info().shape.has_value();
  if (!value.is_tensor()) {
    // Sequence and optional inputs load untyped (type_proto.h); a typed one wants a tensor.
    if (typed || !value.defined())
      return InvalidArgument("input '" + v.name() + "': got " + KindName(value.kind()) +
                             ", expected a tensor");
    return Status::Ok();
  }
  const Tensor& t = value.tensor();
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

Status Session::Execute(const std::vector<Value>& inputs, const Frame* outer,
                        std::vector<Value>* slots, bool keep_all,
                        std::map<std::string, Tensor>* shape_values) const {
  const auto& gin = graph_->inputs();
  if (inputs.size() != gin.size())
    return InvalidArgument("model takes " + std::to_string(gin.size()) + " inputs, got " +
                           std::to_string(inputs.size()));
  slots->assign(slot_values_.size(), Value());
  for (size_t i = 0; i < gin.size(); ++i) {
    FERRY_RETURN_IF_ERROR(CheckInput(*gin[i], inputs[i]));
    (*slots)[slot_of_.at(gin[i])] = inputs[i];
  }
  for (int id : outer_slots_) {
    const std::string& name = slot_values_[id]->name();
    const Value* v = outer ? outer->Lookup(name) : nullptr;
    if (!v) return InvalidArgument("value '" + name + "' is used but never defined");
    (*slots)[id] = *v;
  }
  for (size_t id = 0; id < slot_values_.size(); ++id)
    if (slot_values_[id]->is_constant()) (*slots)[id] = Value(slot_values_[id]->constant());

  const Frame frame{this, slots, outer};
  std::vector<Value> outs;
  for (const Step& step : steps_) {
    std::vector<const Value*> ins;
    ins.reserve(step.inputs.size());
    for (int id : step.inputs) ins.push_back(id >= 0 ? &(*slots)[id] : nullptr);
    outs.assign(step.outputs.size(), Value());
    OpContext ctx(*step.node, std::move(ins), &outs, num_threads_, this, &frame,
                  keep_all ? 0 : step.dying_inputs);
    if (StepProfile* profile = options_.profile.get()) {
      const auto start = std::chrono::steady_clock::now();
      FERRY_RETURN_IF_ERROR(step.op->Run(ctx));
      profile->Record(step.node->name(), step.node->op_type(),
                      std::chrono::duration<double, std::micro>(
                          std::chrono::steady_clock::now() - start).count());
    } else {
      FERRY_RETURN_IF_ERROR(step.op->Run(ctx));
    }
    if (shape_values && IsShapeOp(*step.node) && !outs.empty() && outs[0].is_tensor())
      (*shape_values)[step.node->output(0)->name()] = outs[0].tensor();
    for (size_t i = 0; i < step.outputs.size(); ++i)
      if (step.outputs[i] >= 0) (*slots)[step.outputs[i]] = std::move(outs[i]);
    if (!keep_all)
      for (int id : step.release) (*slots)[id] = Value();
  }
  return Status::Ok();
}

StatusOr<std::vector<Value>> Session::RunValues(const std::vector<Value>& inputs) const {
  ScopedBufferPool scope(pool_.get());
  if (prepare_per_shape_) {
    if (std::shared_ptr<const Session> prepared = Prepare(inputs))
      return prepared->RunGeneric(inputs);
  }
  return RunGeneric(inputs);
}

StatusOr<std::vector<Value>> Session::RunGeneric(const std::vector<Value>& inputs) const {
  std::vector<Value> slots;
  FERRY_RETURN_IF_ERROR(Execute(inputs, nullptr, &slots, false));
  std::vector<Value> result;
  for (const ir::Value* v : graph_->outputs()) result.push_back(slots[slot_of_.at(v)]);
  return result;
}

StatusOr<std::vector<Value>> Session::OrderByName(
    const std::map<std::string, Value>& inputs) const {
  std::vector<Value> ordered;
  for (const ir::Value* v : graph_->inputs()) {
    auto it = inputs.find(v->name());
    if (it == inputs.end()) return InvalidArgument("missing input '" + v->name() + "'");
    ordered.push_back(it->second);
  }
  for (const auto& [name, value] : inputs) {
    bool known = false;
    for (const ir::Value* v : graph_->inputs()) known |= v->name() == name;
    if (!known) return InvalidArgument("model has no input named '" + name + "'");
  }
  return ordered;
}

StatusOr<std::vector<Value>> Session::RunValues(
    const std::map<std::string, Value>& inputs) const {
  FERRY_ASSIGN_OR_RETURN(std::vector<Value> ordered, OrderByName(inputs));
  return RunValues(ordered);
}

StatusOr<std::vector<Tensor>> Session::Run(const std::vector<Tensor>& inputs) const {
  std::vector<Value> values;
  values.reserve(inputs.size());
  for (const Tensor& t : inputs) values.emplace_back(t);
  FERRY_ASSIGN_OR_RETURN(std::vector<Value> outs, RunValues(values));
  std::vector<Tensor> result;
  for (size_t i = 0; i < outs.size(); ++i) {
    if (outs[i].defined() && !outs[i].is_tensor())
      return InvalidArgument("output '" + graph_->outputs()[i]->name() + "' is a " +
                             KindName(outs[i].kind()) + ", not a tensor (use RunValues)");
    result.push_back(outs[i].tensor());
  }
  return result;
}

StatusOr<std::vector<Tensor>> Session::Run(const std::map<std::string, Tensor>& inputs) const {
  std::map<std::string, Value> values;
  for (const auto& [name, t] : inputs) values.emplace(name, Value(t));
  FERRY_ASSIGN_OR_RETURN(std::vector<Value> ordered, OrderByName(values));
  std::vector<Tensor> tensors;
  for (const Value& v : ordered) tensors.push_back(v.tensor());
  return Run(tensors);
}

StatusOr<std::map<std::string, Tensor>> Session::RunAndKeepAll(
    const std::vector<Tensor>& inputs) const {
  if (original_released_)
    return FailedPrecondition(
        "RunAndKeepAll: the session released the graph as given (keep_original_graph off)");
  if (original_ && original_ != graph_) {  // per-node values are those of the graph as written
    SessionOptions plain;
    plain.num_threads = num_threads_;
    plain.optimize = false;
    FERRY_ASSIGN_OR_RETURN(auto session, Create(original_, *ops_, plain));
    return session->RunAndKeepAll(inputs);
  }
  std::vector<Value> values;
  for (const Tensor& t : inputs) values.emplace_back(t);
  std::vector<Value> slots;
  FERRY_RETURN_IF_ERROR(Execute(values, nullptr, &slots, true));
  std::map<std::string, Tensor> all;
  for (size_t id = 0; id < slot_values_.size(); ++id)
    if (slots[id].is_tensor()) all[slot_values_[id]->name()] = slots[id].tensor();
  return all;
}

StatusOr<std::vector<Value>> Session::RunSubgraph(const ir::Graph& g,
                                                  const std::vector<Value>& inputs,
                                                  const Frame& outer) const {
  auto it = subsessions_.find(&g);
  if (it == subsessions_.end()) return Internal("subgraph '" + g.name() + "' has no session");
  const Session& sub = *it->second;
  std::vector<Value> slots;
  FERRY_RETURN_IF_ERROR(sub.Execute(inputs, &outer, &slots, false));
  std::vector<Value> result;
  for (const ir::Value* v : g.outputs()) result.push_back(slots[sub.slot_of_.at(v)]);
  return result;
}

std::shared_ptr<const Session> Session::Prepare(const std::vector<Value>& inputs) const {
  const auto& gin = graph_->inputs();
  if (inputs.size() != gin.size()) return nullptr;  // the generic run reports it
  std::vector<Shape> shapes;
  std::vector<DataType> dtypes;
  for (size_t i = 0; i < gin.size(); ++i) {
    if (!inputs[i].is_tensor() || !CheckInput(*gin[i], inputs[i]).ok()) return nullptr;
    shapes.push_back(inputs[i].tensor().shape());
    dtypes.push_back(inputs[i].tensor().dtype());
  }
  auto find = [&]() -> const Prepared* {
    for (auto it = prepared_.begin(); it != prepared_.end(); ++it) {
      if (it->shapes == shapes && it->dtypes == dtypes) {
        prepared_.splice(prepared_.begin(), prepared_, it);
        return &prepared_.front();
      }
    }
    return nullptr;
  };
  {
    std::lock_guard<std::mutex> lock(prepared_mu_);
    if (const Prepared* p = find()) return p->session;
  }
  // Built outside the lock: runs of shapes already prepared go on meanwhile. Two threads
  // that miss the same shapes both build; the first one stored is kept.
  std::shared_ptr<const Session> built = BuildPrepared(inputs, shapes);
  std::lock_guard<std::mutex> lock(prepared_mu_);
  if (const Prepared* p = find()) return p->session;
  prepared_.push_front(Prepared{shapes, dtypes, built});
  while (static_cast<int>(prepared_.size()) > options_.max_prepared_shapes) prepared_.pop_back();
  return built;
}

std::shared_ptr<const Session> Session::BuildPrepared(const std::vector<Value>& inputs,
                                                      const std::vector<Shape>& shapes) const {
  // The probe: one generic run records what every Shape/Size node computes for these shapes.
  std::map<std::string, Tensor> recorded;
  {
    std::vector<Value> slots;
    if (!Execute(inputs, nullptr, &slots, false, &recorded).ok()) return nullptr;
  }
  PrepareStats stats;
  auto g = SpecializeGraph(*original_, shapes, recorded, *ops_, &stats);
  if (!g.ok()) return nullptr;
  // Nothing folded (every Shape reads a value whose shape depends on data): the generic
  // session is as good, and no second copy of the graph is kept.
  if ((*g)->num_nodes() == original_->num_nodes()) return nullptr;
  SessionOptions o = options_;
  o.max_prepared_shapes = 0;
  auto s = Create(std::shared_ptr<const ir::Graph>(std::move(g).value()), *ops_, o);
  if (!s.ok()) return nullptr;
  (*s)->pool_ = pool_;
  if (EnvSet("FERRY_LOG_PREPARE")) {  // one line per prepared shape set, for measurements
    std::string key;
    for (const Shape& sh : shapes) key += (key.empty() ? "" : " ") + sh.ToString();
    std::fprintf(stderr,
                 "ferry: prepared input shapes %s: %d nodes (generic session %d, model as "
                 "written %d), %d Shape/Size folded in %d rounds\n",
                 key.c_str(), (*s)->num_steps(), num_steps(), original_->num_nodes(),
                 stats.folded_shape_nodes, stats.rounds);
  }
  return std::shared_ptr<const Session>(std::move(s).value());
}

int Session::num_prepared_shapes() const {
  std::lock_guard<std::mutex> lock(prepared_mu_);
  int n = 0;
  for (const Prepared& p : prepared_) n += p.session != nullptr;
  return n;
}

std::shared_ptr<const Session> Session::PreparedFor(const std::vector<Tensor>& inputs) const {
  std::lock_guard<std::mutex> lock(prepared_mu_);
  for (const Prepared& p : prepared_) {
    if (p.shapes.size() != inputs.size()) continue;
    bool same = true;
    for (size_t i = 0; i < inputs.size(); ++i)
      same &= p.shapes[i] == inputs[i].shape() && p.dtypes[i] == inputs[i].dtype();
    if (same) return p.session;
  }
  return nullptr;
}

}  // namespace ferry::runtime
