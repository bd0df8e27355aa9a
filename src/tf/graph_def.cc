#include "tf/graph_def.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <unordered_map>

#include <fcntl.h>

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl.h>

#include "tf/file_util.h"
#include "tf/proto_convert.h"
#include "tf/types.h"

namespace ferry::tf {

namespace {

bool IsNameStart(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.';
}
bool IsNameChar(char c) { return IsNameStart(c) || c == '_' || c == '-' || c == '/'; }

// TF node names: [A-Za-z0-9.][A-Za-z0-9_.\-/]* (tensorflow/core/graph/validate.cc).
std::string SanitizeNodeName(const std::string& name) {
  std::string s;
  for (char c : name) s += IsNameChar(c) ? c : '_';
  if (s.empty() || !IsNameStart(s[0])) s = "n" + s;
  return s;
}

// Hands out sanitised, unique TF node names.
class NodeNames {
 public:
  std::string Take(const std::string& want) {
    std::string base = SanitizeNodeName(want);
    std::string name = base;
    for (int i = 1; used_.count(name); ++i) name = base + "_" + std::to_string(i);
    used_.insert(name);
    return name;
  }

 private:
  std::set<std::string> used_;
};

std::string TensorName(const std::string& node, int k) {
  return k == 0 ? node : node + ":" + std::to_string(k);
}

std::string PermToString(const std::vector<int64_t>& perm) {
  std::string s;
  for (size_t i = 0; i < perm.size(); ++i) s += (i ? "," : "") + std::to_string(perm[i]);
  return s;
}

// "0,2,3,1" -> {0,2,3,1}; "" -> {}; nullopt unless a permutation of 0..n-1.
std::optional<std::vector<int64_t>> PermFromString(const std::string& s) {
  std::vector<int64_t> perm;
  size_t pos = 0;
  while (pos < s.size()) {
    size_t end = s.find(',', pos);
    if (end == std::string::npos) end = s.size();
    const std::string item = s.substr(pos, end - pos);
    if (item.empty() || item.size() > 2 ||
        !std::all_of(item.begin(), item.end(), [](char c) { return c >= '0' && c <= '9'; }))
      return std::nullopt;
    perm.push_back(std::stoi(item));
    pos = end + 1;
  }
  std::vector<int64_t> sorted = perm;
  std::sort(sorted.begin(), sorted.end());
  for (size_t i = 0; i < sorted.size(); ++i)
    if (sorted[i] != static_cast<int64_t>(i)) return std::nullopt;
  return perm;
}

class Exporter {
 public:
  Exporter(const ir::Graph& g, const ExportOptions& options) : g_(g), options_(options) {}

  StatusOr<ExportedGraph> Run() {
    auto* gd = &out_.graph_def;
    gd->mutable_versions()->set_producer(kGraphDefProducer);
    for (const ir::Value* v : g_.inputs()) FERRY_RETURN_IF_ERROR(AddPlaceholder(v));

    // Output node names are taken before op nodes', so outputs keep their names.
    std::vector<std::string> out_names;
    std::map<const ir::Node*, size_t> reused;  // Identity node -> output index
    for (size_t i = 0; i < g_.outputs().size(); ++i) {
      const ir::Value* v = g_.outputs()[i];
      if (!v) return InvalidArgument("graph output " + std::to_string(i) + " is empty");
      out_names.push_back(names_.Take(v->name()));
      const ir::Node* p = v->producer();
      if (p && p->op_type() == "Identity" && p->domain() == "tf" && v->users().empty() &&
          std::count(g_.outputs().begin(), g_.outputs().end(), v) == 1 && !reused.count(p))
        reused[p] = i;
    }

    FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, g_.TopologicalOrder());
    for (const ir::Node* n : order) {
      auto it = reused.find(n);
      if (it != reused.end()) {
        tensor_of_[n->output(0)] = out_names[it->second];
        continue;  // emitted with the outputs, in output order
      }
      FERRY_RETURN_IF_ERROR(
          AddOpNode(*n, names_.Take(n->name().empty() ? n->op_type() : n->name())));
    }

    for (size_t i = 0; i < g_.outputs().size(); ++i) {
      const ir::Value* v = g_.outputs()[i];
      const ir::Node* p = v->producer();
      DataType dt = v->dtype();
      if (dt == DataType::kUndefined && p && p->attr("T") &&
          p->attr("T")->kind() == ir::AttrKind::kType)
        dt = p->attr("T")->type();
      if (dt == DataType::kUndefined)
        return InvalidArgument("graph output '" + v->name() + "' has no data type");
      auto it = p ? reused.find(p) : reused.end();
      if (it != reused.end() && it->second == i) {
        FERRY_RETURN_IF_ERROR(AddOpNode(*p, out_names[i]));
      } else {
        FERRY_ASSIGN_OR_RETURN(std::string in, InputName(v, "graph output"));
        tfproto::NodeDef* nd = gd->add_node();
        nd->set_name(out_names[i]);
        nd->set_op("Identity");
        nd->add_input(in);
        FERRY_ASSIGN_OR_RETURN(int code, DataTypeToTf(dt));
        (*nd->mutable_attr())["T"].set_type(static_cast<tfproto::DataType>(code));
      }
      TensorBinding b{v->name(), out_names[i] + ":0", dt, v->info().shape};
      out_.outputs.push_back(std::move(b));
    }
    AddSourceAttrs();
    return std::move(out_);
  }

 private:
  Status AddPlaceholder(const ir::Value* v) {
    if (v->is_constant())
      return InvalidArgument("graph input '" + v->name() +
                             "' is also a constant; TF graph inputs are Placeholders");
    if (v->dtype() == DataType::kUndefined)
      return InvalidArgument("graph input '" + v->name() + "' has no data type");
    if (tensor_of_.count(v))
      return InvalidArgument("graph input '" + v->name() + "' is listed twice");
    std::string name = names_.Take(v->name());
    tfproto::NodeDef* nd = out_.graph_def.add_node();
    nd->set_name(name);
    nd->set_op("Placeholder");
    FERRY_ASSIGN_OR_RETURN(int code, DataTypeToTf(v->dtype()));
    auto& attrs = *nd->mutable_attr();
    attrs["dtype"].set_type(static_cast<tfproto::DataType>(code));
    *attrs["shape"].mutable_shape() = ShapeToProto(v->info().shape);
    tensor_of_[v] = name;
    out_.inputs.push_back({v->name(), name + ":0", v->dtype(), v->info().shape});
    return Status::Ok();
  }

  // The TF tensor name of v, emitting its Const node the first time a constant is used.
  StatusOr<std::string> InputName(const ir::Value* v, const std::string& what) {
    auto it = tensor_of_.find(v);
    if (it != tensor_of_.end()) return it->second;
    if (!v->is_constant())
      return InvalidArgument(what + ": value '" + v->name() +
                             "' has no producer and is neither a graph input nor a constant");
    std::string name = names_.Take(v->name());
    tfproto::NodeDef* nd = out_.graph_def.add_node();
    nd->set_name(name);
    nd->set_op("Const");
    auto& attrs = *nd->mutable_attr();
    const Tensor& t = v->constant();
    if (options_.defer_const_data && t.dtype() != DataType::kString && t.NumBytes() > 0) {
      DeferredConst d;
      d.node = out_.graph_def.node_size() - 1;
      auto code = DataTypeToTf(t.dtype());
      if (!code.ok()) return code.status().WithContext("constant '" + v->name() + "'");
      d.header.set_dtype(static_cast<tfproto::DataType>(*code));
      for (int64_t dim : t.shape().dims()) d.header.mutable_tensor_shape()->add_dim()->set_size(dim);
      d.data = t;
      attrs["dtype"].set_type(d.header.dtype());
      out_.deferred.push_back(std::move(d));
      tensor_of_[v] = name;
      return name;
    }
    Status s = TensorToProto(t, attrs["value"].mutable_tensor());
    if (!s.ok()) return s.WithContext("constant '" + v->name() + "'");
    attrs["dtype"].set_type(attrs["value"].tensor().dtype());
    tensor_of_[v] = name;
    return name;
  }

  Status AddOpNode(const ir::Node& n, const std::string& name) {
    if (n.domain() != "tf")
      return InvalidArgument(n.Describe() + ": domain '" + n.domain() +
                             "' is not \"tf\"; convert the graph to TensorFlow ops first");
    tfproto::NodeDef nd;
    nd.set_name(name);
    nd.set_op(n.op_type());
    for (int i = 0; i < n.num_inputs(); ++i) {
      const ir::Value* v = n.input(i);
      if (!v)
        return InvalidArgument(n.Describe() + ": input " + std::to_string(i) +
                               " is empty; TensorFlow ops have no optional inputs");
      FERRY_ASSIGN_OR_RETURN(std::string in,
                             InputName(v, n.Describe() + " input " + std::to_string(i)));
      nd.add_input(in);
    }
    for (const auto& [key, a] : n.attrs())
      FERRY_RETURN_IF_ERROR(
          AttrToProto(a, &(*nd.mutable_attr())[key], n.Describe() + " attribute '" + key + "'"));
    for (int k = 0; k < n.num_outputs(); ++k)
      if (n.output(k)) tensor_of_[n.output(k)] = TensorName(name, k);
    *out_.graph_def.add_node() = std::move(nd);
    return Status::Ok();
  }

  // Writes the graph's source-value record as "_ferry_source" attributes (graph_def.h).
  void AddSourceAttrs() {
    std::vector<SourceValue> sources = GetSourceValues(g_);
    if (sources.empty()) return;
    std::unordered_map<std::string, tfproto::NodeDef*> by_name;
    for (tfproto::NodeDef& nd : *out_.graph_def.mutable_node()) by_name[nd.name()] = &nd;
    for (const SourceValue& s : sources) {
      const ir::Value* v = g_.FindValue(s.value);
      auto it = v ? tensor_of_.find(v) : tensor_of_.end();
      if (it == tensor_of_.end() || v->is_constant()) continue;  // pruned or folded
      auto ref = ParseTensorName(it->second);
      if (!ref.ok() || !by_name.count(ref->first)) continue;
      auto& list = *(*by_name[ref->first]->mutable_attr())[kSourceValueAttr].mutable_list();
      list.add_s(std::to_string(ref->second) + "|" + PermToString(s.perm) + "|" + s.source);
    }
  }

  const ir::Graph& g_;
  const ExportOptions options_;
  ExportedGraph out_;
  NodeNames names_;
  std::unordered_map<const ir::Value*, std::string> tensor_of_;
};

// Outputs beyond those referenced that common multi-output ops always have, so that IR
// nodes carry every output their kernels write.
int KnownNumOutputs(const tfproto::NodeDef& nd) {
  const std::string& op = nd.op();
  auto attr_i = [&](const char* k) -> int {
    auto it = nd.attr().find(k);
    return it == nd.attr().end() ? 1 : static_cast<int>(it->second.i());
  };
  if (op == "Split" || op == "SplitV") return attr_i("num_split");
  if (op == "Unpack") return attr_i("num");
  if (op == "FusedBatchNorm" || op == "FusedBatchNormV2") return 5;
  if (op == "FusedBatchNormV3") return 6;
  if (op == "TopKV2" || op == "Unique") return 2;
  if (op == "IdentityN") {
    auto it = nd.attr().find("T");
    return it == nd.attr().end() ? 1 : it->second.list().type_size();
  }
  return 1;
}

class Importer {
 public:
  Importer(const tfproto::GraphDef& gd, const ImportOptions& o) : gd_(gd), o_(o) {}

  StatusOr<std::shared_ptr<ir::Graph>> Run() {
    auto g = std::make_shared<ir::Graph>();
    // TF ops are versioned by the GraphDef producer, not per op: the TF op set registers
    // every op since 1 (tf/ops/registry.h), and the producer is kept as metadata.
    g->opset_imports()["tf"] = 1;
    g->metadata()["tf.graph_def.producer"] = std::to_string(gd_.versions().producer());
    FERRY_RETURN_IF_ERROR(IndexNodes());

    // Inputs: the signature's, ordered by Placeholder position, then unlisted Placeholders.
    std::vector<std::pair<Ref, std::string>> inputs;  // (tensor, key)
    std::set<int> listed;
    if (o_.has_signature) {
      for (const TensorBinding& b : o_.inputs) {
        FERRY_ASSIGN_OR_RETURN(Ref r, Resolve(b.tensor, "signature input '" + b.key + "'"));
        if (gd_.node(r.first).op() != "Placeholder" || r.second != 0)
          return Err(Unimplemented("signature input '" + b.key + "' is '" + b.tensor +
                                   "', not a Placeholder"));
        inputs.push_back({r, b.key});
        listed.insert(r.first);
      }
      SortByPosition(&inputs);
    }
    for (int i = 0; i < gd_.node_size(); ++i)
      if (gd_.node(i).op() == "Placeholder" && !listed.count(i))
        inputs.push_back({{i, 0}, gd_.node(i).name()});

    // Outputs.
    std::vector<std::pair<Ref, std::string>> outputs;
    std::vector<std::optional<TensorBinding>> out_infos;
    if (o_.has_signature) {
      for (const TensorBinding& b : o_.outputs) {
        FERRY_ASSIGN_OR_RETURN(Ref r, Resolve(b.tensor, "signature output '" + b.key + "'"));
        outputs.push_back({r, b.key});
      }
      SortByPosition(&outputs);
    } else if (!o_.output_tensors.empty()) {
      for (const std::string& t : o_.output_tensors) {
        FERRY_ASSIGN_OR_RETURN(Ref r, Resolve(t, "output '" + t + "'"));
        outputs.push_back({r, TensorName(gd_.node(r.first).name(), r.second)});
      }
    } else {
      for (int i = 0; i < gd_.node_size(); ++i) {
        const std::string& op = gd_.node(i).op();
        if (consumed_.count(i) || op == "Const" || op == "Placeholder" || op == "NoOp") continue;
        for (int k = 0; k < num_outputs_[i]; ++k)
          outputs.push_back({{i, k}, TensorName(gd_.node(i).name(), k)});
      }
    }
    for (const auto& [r, key] : outputs)
      num_outputs_[r.first] = std::max(num_outputs_[r.first], r.second + 1);

    // Values named by signature keys first, so that keys win any name clash.
    for (size_t i = 0; i < inputs.size(); ++i) {
      const tfproto::NodeDef& nd = gd_.node(inputs[i].first.first);
      auto dt = nd.attr().find("dtype");
      if (dt == nd.attr().end())
        return Err(InvalidArgument("Placeholder '" + nd.name() + "' has no dtype attribute"));
      ir::ValueInfo info;
      auto d = DataTypeFromTf(dt->second.type());
      if (!d.ok()) return Err(d.status().WithContext("Placeholder '" + nd.name() + "'"));
      info.dtype = *d;
      auto sh = nd.attr().find("shape");
      if (sh != nd.attr().end()) info.shape = ShapeFromProto(sh->second.shape());
      ir::Value* v = g->AddValue(inputs[i].second, std::move(info));
      values_[inputs[i].first] = v;
      g->inputs().push_back(v);
      g->metadata()["signature.input." + std::to_string(i)] = inputs[i].second;
    }
    for (size_t i = 0; i < outputs.size(); ++i) {
      const auto& [r, key] = outputs[i];
      if (!values_.count(r)) {
        ir::ValueInfo info;
        for (const TensorBinding& b : o_.outputs) {
          if (b.key == key) {
            info.dtype = b.dtype;
            info.shape = b.shape;
          }
        }
        values_[r] = g->AddValue(key, std::move(info));
      }
      g->metadata()["signature.output." + std::to_string(i)] = key;
    }

    // Constants, then every other node's outputs, then the nodes.
    for (int i = 0; i < gd_.node_size(); ++i) {
      const tfproto::NodeDef& nd = gd_.node(i);
      if (nd.op() != "Const") continue;
      auto val = nd.attr().find("value");
      if (val == nd.attr().end() || val->second.value_case() != tfproto::AttrValue::kTensor)
        return Err(InvalidArgument("Const '" + nd.name() + "' has no tensor 'value' attribute"));
      auto t = TensorFromProto(val->second.tensor(), "Const '" + nd.name() + "'");
      if (!t.ok()) return Err(t.status());
      ir::Value*& v = values_[{i, 0}];
      if (!v) v = g->AddValue(nd.name());
      v->set_constant(std::move(t).value());
    }
    for (int i = 0; i < gd_.node_size(); ++i) {
      const tfproto::NodeDef& nd = gd_.node(i);
      if (nd.op() == "Const" || nd.op() == "Placeholder") continue;
      std::vector<ir::Value*> ins, outs;
      for (const std::string& in : nd.input()) {
        if (!in.empty() && in[0] == '^') continue;
        FERRY_ASSIGN_OR_RETURN(Ref r, Resolve(in, nd.op() + " '" + nd.name() + "'"));
        ins.push_back(ValueOf(g.get(), r));
      }
      for (int k = 0; k < num_outputs_[i]; ++k) outs.push_back(ValueOf(g.get(), {i, k}));
      ir::Node* n =
          g->AddNodeWithOutputs(nd.op(), "tf", nd.name(), std::move(ins), std::move(outs));
      for (const auto& [key, av] : nd.attr()) {
        if (!key.empty() && key[0] == '_') continue;  // TF-internal (_output_shapes, _class)
        auto a = AttrFromProto(av, n->Describe() + " attribute '" + key + "'");
        if (!a.ok()) return Err(a.status());
        n->set_attr(key, std::move(a).value());
      }
      for (ir::Value* o : n->outputs()) {
        if (o->dtype() == DataType::kUndefined && n->attr("T") &&
            n->attr("T")->kind() == ir::AttrKind::kType && g->IsGraphOutput(o))
          o->info().dtype = n->attr("T")->type();
      }
    }
    for (const auto& [r, key] : outputs) g->outputs().push_back(values_.at(r));
    ReadSourceAttrs(g.get());
    auto order = g->TopologicalOrder();
    if (!order.ok()) return Err(order.status());
    return g;
  }

 private:
  using Ref = std::pair<int, int>;  // (node index, output index)

  Status Err(const Status& s) const { return o_.source.empty() ? s : s.WithContext(o_.source); }

  Status IndexNodes() {
    for (int i = 0; i < gd_.node_size(); ++i) {
      const std::string& name = gd_.node(i).name();
      if (name.empty()) return Err(InvalidArgument("node " + std::to_string(i) + " has no name"));
      if (!index_.emplace(name, i).second)
        return Err(InvalidArgument("two nodes are named '" + name + "'"));
    }
    num_outputs_.assign(gd_.node_size(), 1);
    for (int i = 0; i < gd_.node_size(); ++i)
      num_outputs_[i] = std::max(1, KnownNumOutputs(gd_.node(i)));
    for (int i = 0; i < gd_.node_size(); ++i) {
      const tfproto::NodeDef& nd = gd_.node(i);
      for (const std::string& in : nd.input()) {
        if (!in.empty() && in[0] == '^') continue;
        FERRY_ASSIGN_OR_RETURN(Ref r, Resolve(in, nd.op() + " '" + nd.name() + "'"));
        num_outputs_[r.first] = std::max(num_outputs_[r.first], r.second + 1);
        consumed_.insert(r.first);
      }
    }
    return Status::Ok();
  }

  StatusOr<Ref> Resolve(const std::string& tensor, const std::string& what) const {
    auto p = ParseTensorName(tensor);
    if (!p.ok()) return Err(p.status().WithContext(what));
    auto it = index_.find(p->first);
    if (it == index_.end())
      return Err(InvalidArgument(what + ": '" + tensor + "' names no node of the graph"));
    return Ref{it->second, p->second};
  }

  // "_ferry_source" attributes -> the graph's source-value record (graph_def.h); entries
  // that name no existing value are dropped.
  void ReadSourceAttrs(ir::Graph* g) const {
    std::vector<SourceValue> sources;
    for (int i = 0; i < gd_.node_size(); ++i) {
      auto a = gd_.node(i).attr().find(kSourceValueAttr);
      if (a == gd_.node(i).attr().end()) continue;
      for (const std::string& e : a->second.list().s()) {
        size_t p1 = e.find('|');
        size_t p2 = p1 == std::string::npos ? p1 : e.find('|', p1 + 1);
        if (p2 == std::string::npos) continue;
        auto k = ParseTensorName("n:" + e.substr(0, p1));
        auto perm = PermFromString(e.substr(p1 + 1, p2 - p1 - 1));
        if (!k.ok() || !perm) continue;
        auto v = values_.find({i, k->second});
        if (v == values_.end()) continue;
        sources.push_back({e.substr(p2 + 1), v->second->name(), *perm});
      }
    }
    if (!sources.empty()) SetSourceValues(g, sources);
  }

  void SortByPosition(std::vector<std::pair<Ref, std::string>>* v) const {
    std::stable_sort(v->begin(), v->end(), [](const auto& a, const auto& b) { return a < b; });
  }

  ir::Value* ValueOf(ir::Graph* g, Ref r) {
    ir::Value*& v = values_[r];
    if (!v) v = g->AddValue(TensorName(gd_.node(r.first).name(), r.second));
    return v;
  }

  const tfproto::GraphDef& gd_;
  const ImportOptions& o_;
  std::unordered_map<std::string, int> index_;
  std::vector<int> num_outputs_;
  std::set<int> consumed_;
  std::map<Ref, ir::Value*> values_;
};

}  // namespace

std::vector<SourceValue> GetSourceValues(const ir::Graph& g) {
  std::vector<SourceValue> result;
  const std::string prefix = kSourceValueMetaPrefix;
  for (auto it = g.metadata().lower_bound(prefix);
       it != g.metadata().end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
    const size_t bar = it->second.rfind('|');
    if (bar == std::string::npos) continue;
    auto perm = PermFromString(it->second.substr(bar + 1));
    if (!perm) continue;
    result.push_back({it->first.substr(prefix.size()), it->second.substr(0, bar), *perm});
  }
  return result;
}

void SetSourceValues(ir::Graph* g, const std::vector<SourceValue>& values) {
  auto& meta = g->metadata();
  const std::string prefix = kSourceValueMetaPrefix;
  for (auto it = meta.lower_bound(prefix);
       it != meta.end() && it->first.compare(0, prefix.size(), prefix) == 0;)
    it = meta.erase(it);
  for (const SourceValue& v : values)
    meta[prefix + v.source] = v.value + "|" + PermToString(v.perm);
}

Status CheckProtoSize(const google::protobuf::Message& m, const std::string& what,
                      uint64_t limit) {
  return CheckMessageBytes(m.ByteSizeLong(), what, limit);
}

Status CheckMessageBytes(uint64_t bytes, const std::string& what, uint64_t limit) {
  if (bytes <= limit) return Status::Ok();
  return InvalidArgument(what + " would be " + std::to_string(bytes) +
                         " bytes, over protobuf's message limit of " + std::to_string(limit) +
                         " bytes (2 GiB): TensorFlow cannot read a larger GraphDef; "
                         "nothing was written");
}

StatusOr<std::pair<std::string, int>> ParseTensorName(const std::string& t) {
  if (t.empty() || t[0] == '^') return InvalidArgument("'" + t + "' is not a tensor name");
  size_t colon = t.rfind(':');
  if (colon == std::string::npos) return std::make_pair(t, 0);
  std::string idx = t.substr(colon + 1);
  std::string node = t.substr(0, colon);
  // TF ops have at most a few hundred outputs; the cap keeps a corrupt index from making
  // the reader create millions of values.
  if (idx.empty() || idx.size() > 5 || node.empty() ||
      !std::all_of(idx.begin(), idx.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
      node.find(':') != std::string::npos)
    return InvalidArgument("'" + t + "' is not a tensor name (expected \"node\" or \"node:k\")");
  const int k = std::stoi(idx);
  if (k > 65535) return InvalidArgument("'" + t + "': output index above 65535");
  return std::make_pair(node, k);
}

StatusOr<tfproto::SignatureDef> MakeSignature(const ExportedGraph& e) {
  tfproto::SignatureDef sig;
  sig.set_method_name("tensorflow/serving/predict");
  auto fill = [](const std::vector<TensorBinding>& bs, const char* what,
                 google::protobuf::Map<std::string, tfproto::TensorInfo>* m) -> Status {
    for (const TensorBinding& b : bs) {
      if (m->count(b.key))
        return InvalidArgument(std::string("signature ") + what + " '" + b.key +
                               "' is listed twice");
      tfproto::TensorInfo& ti = (*m)[b.key];
      ti.set_name(b.tensor);
      FERRY_ASSIGN_OR_RETURN(int code, DataTypeToTf(b.dtype));
      ti.set_dtype(static_cast<tfproto::DataType>(code));
      *ti.mutable_tensor_shape() = ShapeToProto(b.shape);
    }
    return Status::Ok();
  };
  FERRY_RETURN_IF_ERROR(fill(e.inputs, "input", sig.mutable_inputs()));
  FERRY_RETURN_IF_ERROR(fill(e.outputs, "output", sig.mutable_outputs()));
  return sig;
}

Status SignatureToImport(const tfproto::SignatureDef& s, ImportOptions* options) {
  auto take = [](const google::protobuf::Map<std::string, tfproto::TensorInfo>& m, const char* what,
                 std::vector<TensorBinding>* out) -> Status {
    // Sorted by key so that the result does not depend on the map's iteration order.
    std::map<std::string, const tfproto::TensorInfo*> sorted;
    for (const auto& [k, ti] : m) sorted[k] = &ti;
    for (const auto& [k, ti] : sorted) {
      if (ti->name().empty())
        return Unimplemented(std::string("signature ") + what + " '" + k +
                             "' is not a plain tensor (sparse or composite)");
      TensorBinding b;
      b.key = k;
      b.tensor = ti->name();
      if (ti->dtype() != tfproto::DT_INVALID) {
        auto dt = DataTypeFromTf(ti->dtype());
        if (!dt.ok())
          return dt.status().WithContext(std::string("signature ") + what + " '" + k + "'");
        b.dtype = *dt;
      }
      if (ti->has_tensor_shape()) b.shape = ShapeFromProto(ti->tensor_shape());
      out->push_back(std::move(b));
    }
    return Status::Ok();
  };
  options->has_signature = true;
  options->inputs.clear();
  options->outputs.clear();
  FERRY_RETURN_IF_ERROR(take(s.inputs(), "input", &options->inputs));
  FERRY_RETURN_IF_ERROR(take(s.outputs(), "output", &options->outputs));
  return Status::Ok();
}

StatusOr<ExportedGraph> ExportGraphDef(const ir::Graph& g, const ExportOptions& options) {
  return Exporter(g, options).Run();
}

namespace {

using google::protobuf::io::CodedOutputStream;

constexpr uint32_t LenTag(int field) { return (static_cast<uint32_t>(field) << 3) | 2; }
uint64_t LenFieldSize(int field, uint64_t len) {
  return CodedOutputStream::VarintSize32(LenTag(field)) + CodedOutputStream::VarintSize64(len) +
         len;
}
void WriteLenHeader(CodedOutputStream* out, int field, uint64_t len) {
  out->WriteTag(LenTag(field));
  out->WriteVarint64(len);
}

constexpr char kValueKey[] = "value";
constexpr int kValueKeyLen = sizeof(kValueKey) - 1;

// Sizes of the nested messages that carry a deferred Const's data: NodeDef.attr["value"] =
// AttrValue{tensor: TensorProto{header fields, tensor_content}}.
struct ConstSizes {
  uint64_t tensor = 0;  // TensorProto
  uint64_t attr = 0;    // AttrValue
  uint64_t entry = 0;   // the map entry {key, value}
  uint64_t node = 0;    // NodeDef
};

ConstSizes SizesOf(const tfproto::NodeDef& nd, const DeferredConst& d) {
  ConstSizes s;
  s.tensor = d.header.ByteSizeLong() +
             LenFieldSize(tfproto::TensorProto::kTensorContentFieldNumber, d.data.NumBytes());
  s.attr = LenFieldSize(tfproto::AttrValue::kTensorFieldNumber, s.tensor);
  s.entry = LenFieldSize(1, kValueKeyLen) + LenFieldSize(2, s.attr);
  s.node = nd.ByteSizeLong() + LenFieldSize(tfproto::NodeDef::kAttrFieldNumber, s.entry);
  return s;
}

// GraphDef fields other than the nodes (the writer sets no deprecated `version`).
tfproto::GraphDef GraphDefRest(const tfproto::GraphDef& gd) {
  tfproto::GraphDef rest;
  if (gd.has_versions()) *rest.mutable_versions() = gd.versions();
  return rest;
}

}  // namespace

uint64_t GraphDefBodySize(const ExportedGraph& e) {
  const auto& nodes = e.graph_def.node();
  uint64_t total = GraphDefRest(e.graph_def).ByteSizeLong();
  size_t k = 0;
  for (int i = 0; i < nodes.size(); ++i) {
    uint64_t size;
    if (k < e.deferred.size() && e.deferred[k].node == i)
      size = SizesOf(nodes[i], e.deferred[k++]).node;
    else
      size = nodes[i].ByteSizeLong();
    total += LenFieldSize(tfproto::GraphDef::kNodeFieldNumber, size);
  }
  return total;
}

void WriteGraphDefBody(const ExportedGraph& e, StreamedFile* file) {
  CodedOutputStream* out = file->out();
  const auto& nodes = e.graph_def.node();
  size_t k = 0;
  for (int i = 0; i < nodes.size(); ++i) {
    const tfproto::NodeDef& nd = nodes[i];
    if (k < e.deferred.size() && e.deferred[k].node == i) {
      // The NodeDef's own fields, then its "value" attribute entry written by hand: a
      // message's fields may come in any order on the wire, and the entry's TensorProto is
      // its header's fields followed by tensor_content taken from the IR tensor.
      const DeferredConst& d = e.deferred[k++];
      const ConstSizes s = SizesOf(nd, d);
      WriteLenHeader(out, tfproto::GraphDef::kNodeFieldNumber, s.node);
      nd.SerializeWithCachedSizes(out);
      WriteLenHeader(out, tfproto::NodeDef::kAttrFieldNumber, s.entry);
      WriteLenHeader(out, 1, kValueKeyLen);
      out->WriteRaw(kValueKey, kValueKeyLen);
      WriteLenHeader(out, 2, s.attr);
      WriteLenHeader(out, tfproto::AttrValue::kTensorFieldNumber, s.tensor);
      d.header.SerializeWithCachedSizes(out);
      WriteLenHeader(out, tfproto::TensorProto::kTensorContentFieldNumber, d.data.NumBytes());
      // Weights still as they lie in the model file go file to file in the kernel. With
      // aliasing on (WriteStreamedFile), other data of a block or more goes to write(2)
      // straight from the tensor; smaller data is copied into the stream's block.
      if (const std::optional<FileRange> range = d.data.file_range()) {
        file->AppendFromFile(*range, d.data.NumBytes());
      } else {
        out->WriteRawMaybeAliased(d.data.raw_data(), static_cast<int>(d.data.NumBytes()));
      }
    } else {
      WriteLenHeader(out, tfproto::GraphDef::kNodeFieldNumber, nd.ByteSizeLong());
      nd.SerializeWithCachedSizes(out);
    }
  }
  const tfproto::GraphDef rest = GraphDefRest(e.graph_def);
  rest.ByteSizeLong();
  rest.SerializeWithCachedSizes(out);
}

StatusOr<std::shared_ptr<ir::Graph>> ImportGraphDef(const tfproto::GraphDef& gd,
                                                    const ImportOptions& options) {
  try {
    return Importer(gd, options).Run();
  } catch (const std::exception& e) {
    return Internal(options.source + ": " + e.what());
  }
}

Status ParseProto(const std::string& bytes, google::protobuf::Message* m, const std::string& file) {
  bool ok = false;
  try {
    ok = m->ParseFromString(bytes);
  } catch (const std::exception& e) {
    return InvalidArgument(file + ": cannot parse " + m->GetTypeName() + ": " + e.what());
  }
  if (!ok)
    return InvalidArgument(file + ": not a valid " + m->GetTypeName() +
                           " (truncated or not a protobuf file)");
  return Status::Ok();
}

Status WriteFrozenGraph(const ir::Graph& g, const std::string& path,
                        const WriteOptions& options) {
  ExportOptions eo;
  eo.defer_const_data = true;
  auto exported = ExportGraphDef(g, eo);
  if (!exported.ok()) return exported.status().WithContext(path);
  const uint64_t bytes = GraphDefBodySize(*exported);
  FERRY_RETURN_IF_ERROR(
      CheckMessageBytes(bytes, path + ": the GraphDef", options.max_proto_bytes));
  // Streamed to a temporary sibling (the weights straight from the IR), renamed into place
  // when complete.
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  Status s = WriteStreamedFile(tmp, bytes, [&](StreamedFile* file) {
    WriteGraphDefBody(*exported, file);
  });
  std::error_code ec;
  if (s.ok()) {
    std::filesystem::rename(tmp, path, ec);
    if (ec) s = InvalidArgument(path + ": cannot rename '" + tmp + "' into place: " + ec.message());
  }
  if (!s.ok()) std::filesystem::remove(tmp, ec);
  return s;
}

uint64_t LengthDelimitedSize(int field, uint64_t len) { return LenFieldSize(field, len); }

void WriteLengthDelimitedHeader(google::protobuf::io::CodedOutputStream* out, int field,
                                uint64_t len) {
  WriteLenHeader(out, field, len);
}

void StreamedFile::AppendFromFile(const FileRange& from, uint64_t n) {
  if (failed_) return;
  off_t in = static_cast<off_t>(from.offset);
  if (kernel_copy_) {
    // Hand what the stream holds to the file first: both write at the file's offset.
    out_->Trim();
    if (out_->HadError() || !file_->Flush()) {
      failed_ = true;
      return;
    }
  }
  while (n > 0 && kernel_copy_) {
    const size_t chunk = n > (uint64_t{1} << 30) ? size_t{1} << 30 : static_cast<size_t>(n);
    const ssize_t r = ::copy_file_range(from.file->fd(), &in, fd_, nullptr, chunk, 0);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0 && (errno == EXDEV || errno == EINVAL || errno == ENOSYS || errno == EOPNOTSUPP ||
                  errno == EPERM)) {
      kernel_copy_ = false;  // another file system type, or no kernel support: copy by hand
      break;
    }
    if (r <= 0) {  // an error, or the model file got shorter
      failed_ = true;
      return;
    }
    n -= static_cast<uint64_t>(r);
    copied_ += r;
  }
  // By hand: through one buffer into the stream.
  constexpr size_t kBuf = size_t{1} << 20;
  while (n > 0) {
    if (!buf_) buf_.reset(new char[kBuf]);
    const size_t k = n > kBuf ? kBuf : static_cast<size_t>(n);
    if (!from.file->ReadAt(static_cast<uint64_t>(in), k, buf_.get()).ok()) {
      failed_ = true;
      return;
    }
    out_->WriteRaw(buf_.get(), static_cast<int>(k));
    in += static_cast<off_t>(k);
    n -= k;
  }
}

int64_t StreamedFile::ByteCount() const { return out_->ByteCount() + copied_; }

Status WriteStreamedFile(const std::string& path, uint64_t expected_bytes,
                         const std::function<void(StreamedFile*)>& write) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return InvalidArgument(path + ": cannot create the file");
  int64_t written = 0;
  bool failed = false;
  google::protobuf::io::FileOutputStream file(fd, /*block_size=*/1 << 20);
  {
    google::protobuf::io::CodedOutputStream out(&file);
    // Big raw byte runs (WriteRawMaybeAliased, bytes fields) skip the copy into the block.
    out.EnableAliasing(true);
    // Map entries (NodeDef attrs, signatures) in key order: the same graph gives the same
    // bytes in every run (protobuf's map order otherwise changes from process to process).
    out.SetSerializationDeterministic(true);
    StreamedFile streamed(fd, &file, &out);
    try {
      write(&streamed);
    } catch (const std::exception&) {
      failed = true;
    }
    out.Trim();
    failed = failed || out.HadError() || streamed.failed();
    written = streamed.ByteCount();
  }
  failed = !file.Close() || failed;  // Close flushes
  if (failed) return InvalidArgument(path + ": writing failed (disk full or not writable?)");
  FERRY_RETURN_IF_ERROR(LazyReadStatus());
  if (static_cast<uint64_t>(written) != expected_bytes)
    return Internal(path + ": wrote " + std::to_string(written) + " bytes, expected " +
                    std::to_string(expected_bytes));
  return Status::Ok();
}

Status WriteProtoFile(const google::protobuf::Message& m, const std::string& path) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  if (!out) return InvalidArgument(path + ": cannot create the file");
  bool ok = false;
  try {
    ok = m.SerializeToOstream(&out);
  } catch (const std::exception&) {
    ok = false;
  }
  out.close();
  if (!ok || !out) return InvalidArgument(path + ": writing failed (disk full or not writable?)");
  return Status::Ok();
}

StatusOr<std::shared_ptr<ir::Graph>> ReadFrozenGraph(const std::string& path,
                                                     const LoadOptions& options) {
  FERRY_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  tfproto::GraphDef gd;
  FERRY_RETURN_IF_ERROR(ParseProto(bytes, &gd, path));
  if (gd.node_size() == 0) return InvalidArgument(path + ": GraphDef has no nodes");
  ImportOptions io;
  io.source = path;
  io.output_tensors = options.outputs;
  return ImportGraphDef(gd, io);
}

}  // namespace ferry::tf
