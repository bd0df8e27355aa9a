// ir::Graph -> onnx::ModelProto.
#include <charconv>
#include <set>
#include <string>

#include "onnx/model_io.h"
#include "onnx/tensor_proto.h"
#include "onnx/type_proto.h"

namespace ferry::onnx {
namespace {

using ::onnx::AttributeProto;
using ::onnx::GraphProto;

// The default-domain opset written when a graph imports none: the newest onnx 1.12 knows.
constexpr int64_t kDefaultOpset = 17;

class Exporter {
 public:
  explicit Exporter(bool structure_only) : structure_only_(structure_only) {}
  Status ExportGraph(const ir::Graph& g, GraphProto* gp);

 private:
  bool structure_only_;
  Status ExportAttribute(const std::string& name, const ir::Attribute& a, AttributeProto* ap,
                         const std::string& where);
};

Status Exporter::ExportAttribute(const std::string& name, const ir::Attribute& a,
                                 AttributeProto* ap, const std::string& where) {
  ap->set_name(name);
  switch (a.kind()) {
    case ir::AttrKind::kInt:
      ap->set_type(AttributeProto::INT);
      ap->set_i(a.i());
      break;
    case ir::AttrKind::kBool:  // ONNX has no bool attribute; its bools are ints (e.g. keepdims)
      ap->set_type(AttributeProto::INT);
      ap->set_i(a.b() ? 1 : 0);
      break;
    case ir::AttrKind::kFloat:
      ap->set_type(AttributeProto::FLOAT);
      ap->set_f(a.f());
      break;
    case ir::AttrKind::kString:
      ap->set_type(AttributeProto::STRING);
      ap->set_s(a.s());
      break;
    case ir::AttrKind::kTensor:
      ap->set_type(AttributeProto::TENSOR);
      FERRY_RETURN_IF_ERROR(TensorToProto(a.t(), "", ap->mutable_t()));
      break;
    case ir::AttrKind::kGraph:
      ap->set_type(AttributeProto::GRAPH);
      if (!a.g()) return InvalidArgument(where + " holds no graph");
      FERRY_RETURN_IF_ERROR(ExportGraph(*a.g(), ap->mutable_g()));
      break;
    case ir::AttrKind::kType:
      ap->set_type(AttributeProto::TYPE_PROTO);
      ap->mutable_tp()->mutable_tensor_type()->set_elem_type(DataTypeToOnnx(a.type()));
      break;
    case ir::AttrKind::kInts:
      ap->set_type(AttributeProto::INTS);
      for (int64_t v : a.ints()) ap->add_ints(v);
      break;
    case ir::AttrKind::kFloats:
      ap->set_type(AttributeProto::FLOATS);
      for (float v : a.floats()) ap->add_floats(v);
      break;
    case ir::AttrKind::kStrings:
      ap->set_type(AttributeProto::STRINGS);
      for (const auto& v : a.strings()) ap->add_strings(v);
      break;
    case ir::AttrKind::kTensors:
      ap->set_type(AttributeProto::TENSORS);
      for (const Tensor& t : a.tensors())
        FERRY_RETURN_IF_ERROR(TensorToProto(t, "", ap->add_tensors()));
      break;
    case ir::AttrKind::kGraphs:
      ap->set_type(AttributeProto::GRAPHS);
      for (const auto& sg : a.graphs()) {
        if (!sg) return InvalidArgument(where + " holds an empty graph");
        FERRY_RETURN_IF_ERROR(ExportGraph(*sg, ap->add_graphs()));
      }
      break;
    case ir::AttrKind::kTypes:
      ap->set_type(AttributeProto::TYPE_PROTOS);
      for (DataType t : a.types())
        ap->add_type_protos()->mutable_tensor_type()->set_elem_type(DataTypeToOnnx(t));
      break;
    case ir::AttrKind::kShape:
      return Unimplemented(where + " is a TensorFlow shape attribute; ONNX has no such kind");
  }
  return Status::Ok();
}

Status Exporter::ExportGraph(const ir::Graph& g, GraphProto* gp) {
  // onnx::checker requires a graph name.
  gp->set_name(g.name().empty() ? "ferry_graph" : g.name());
  std::set<const ir::Value*> declared;
  for (const ir::Value* v : g.inputs()) {
    auto* vi = gp->add_input();
    vi->set_name(v->name());
    if (v->dtype() != DataType::kUndefined) TypeProtoFromValueInfo(v->info(), vi->mutable_type());
    declared.insert(v);
  }
  for (const ir::Value* v : g.values()) {
    if (!v->is_constant() || declared.count(v)) continue;
    const Tensor& t = v->constant();
    if (structure_only_ && t.NumBytes() > 4096) {  // SaveOptions::structure_only
      auto* tp = gp->add_initializer();
      tp->set_name(v->name());
      tp->set_data_type(DataTypeToOnnx(t.dtype()));
      for (int64_t d : t.shape().dims()) tp->add_dims(d);
      declared.insert(v);
      continue;
    }
    Status s = TensorToProto(t, v->name(), gp->add_initializer());
    if (!s.ok()) return s.WithContext("initializer '" + v->name() + "'");
    declared.insert(v);
  }

  // ONNX requires nodes in topological order (IR spec, "Graphs").
  FERRY_ASSIGN_OR_RETURN(std::vector<ir::Node*> order, g.TopologicalOrder());
  for (const ir::Node* n : order) {
    auto* np = gp->add_node();
    np->set_op_type(n->op_type());
    if (!n->domain().empty()) np->set_domain(n->domain());
    if (!n->name().empty()) np->set_name(n->name());
    for (const ir::Value* in : n->inputs()) np->add_input(in ? in->name() : "");
    for (const ir::Value* o : n->outputs()) np->add_output(o ? o->name() : "");
    for (const auto& [k, a] : n->attrs()) {
      FERRY_RETURN_IF_ERROR(
          ExportAttribute(k, a, np->add_attribute(), n->Describe() + " attribute '" + k + "'"));
    }
  }

  for (const ir::Value* v : g.outputs()) {
    if (!v) return InvalidArgument("graph '" + g.name() + "' has an empty output");
    auto* vi = gp->add_output();
    vi->set_name(v->name());
    if (v->dtype() != DataType::kUndefined) TypeProtoFromValueInfo(v->info(), vi->mutable_type());
    declared.insert(v);
  }
  // value_info for every typed intermediate; placeholders of outer values are not declared
  // here (they belong to the enclosing graph).
  for (const ir::Value* v : g.values()) {
    if (declared.count(v) || !v->producer() || v->dtype() == DataType::kUndefined) continue;
    auto* vi = gp->add_value_info();
    vi->set_name(v->name());
    TypeProtoFromValueInfo(v->info(), vi->mutable_type());
  }
  return Status::Ok();
}

void CollectDomains(const ir::Graph& g, std::set<std::string>* domains) {
  for (const auto& n : g.nodes()) {
    domains->insert(n->domain());
    for (const auto& [k, a] : n->attrs()) {
      if (a.kind() == ir::AttrKind::kGraph && a.g()) CollectDomains(*a.g(), domains);
      if (a.kind() == ir::AttrKind::kGraphs)
        for (const auto& sg : a.graphs())
          if (sg) CollectDomains(*sg, domains);
    }
  }
}

}  // namespace

int64_t IrVersionForOpset(int64_t opset) {
  if (opset <= 17) return 8;
  if (opset <= 20) return 9;
  return 10;
}

Status GraphToModelProto(const ir::Graph& graph, const SaveOptions& options,
                         ::onnx::ModelProto* model) {
  model->Clear();
  // Every domain a node uses needs an import (onnx.proto, ModelProto.opset_import).
  std::map<std::string, int64_t> opsets = graph.opset_imports();
  std::set<std::string> used;
  CollectDomains(graph, &used);
  if (opsets.empty()) used.insert("");
  for (const std::string& d : used)
    if (!opsets.count(d)) opsets[d] = d.empty() ? kDefaultOpset : 1;
  for (const auto& [domain, version] : opsets) {
    auto* op = model->add_opset_import();
    op->set_domain(domain);
    op->set_version(version);
  }
  const int64_t default_opset = opsets.count("") ? opsets.at("") : kDefaultOpset;
  model->set_ir_version(options.ir_version > 0 ? options.ir_version
                                               : IrVersionForOpset(default_opset));

  const auto& meta = graph.metadata();
  auto get = [&](const char* key) -> const std::string* {
    auto it = meta.find(key);
    return it == meta.end() ? nullptr : &it->second;
  };
  model->set_producer_name(get(kMetaProducerName) ? *get(kMetaProducerName) : "ferry");
  if (const std::string* v = get(kMetaProducerVersion)) model->set_producer_version(*v);
  if (const std::string* v = get(kMetaDomain)) model->set_domain(*v);
  if (const std::string* v = get(kMetaDocString)) model->set_doc_string(*v);
  if (const std::string* v = get(kMetaModelVersion)) {
    int64_t mv = 0;
    auto [ptr, ec] = std::from_chars(v->data(), v->data() + v->size(), mv);
    if (ec != std::errc() || ptr != v->data() + v->size())
      return InvalidArgument("metadata model_version '" + *v + "' is not an integer");
    model->set_model_version(mv);
  }
  static const std::set<std::string> kReserved = {kMetaProducerName, kMetaProducerVersion,
                                                  kMetaIrVersion,    kMetaModelVersion,
                                                  kMetaDomain,       kMetaDocString};
  for (const auto& [k, v] : meta) {
    if (kReserved.count(k)) continue;
    auto* p = model->add_metadata_props();
    p->set_key(k);
    p->set_value(v);
  }

  Exporter exporter(options.structure_only);
  return exporter.ExportGraph(graph, model->mutable_graph());
}

}  // namespace ferry::onnx
