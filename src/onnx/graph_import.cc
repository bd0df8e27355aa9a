// onnx::ModelProto -> ir::Graph.
#include <cstring>
#include <string>
#include <vector>

#include "onnx/model_io.h"
#include "onnx/skeleton.h"
#include "onnx/tensor_proto.h"
#include "onnx/type_proto.h"

namespace ferry::onnx {
namespace {

using ::onnx::AttributeProto;
using ::onnx::GraphProto;
using ::onnx::NodeProto;

// ONNX spells its default domain either "" or "ai.onnx" (onnx.proto, OperatorSetIdProto).
std::string NormalizeDomain(const std::string& d) { return d == "ai.onnx" ? "" : d; }

// IR version 1 attributes carry no type: it is the kind of the field that is set.
AttributeProto::AttributeType TypeFromSetField(const AttributeProto& a) {
  if (a.has_f()) return AttributeProto::FLOAT;
  if (a.has_i()) return AttributeProto::INT;
  if (a.has_s()) return AttributeProto::STRING;
  if (a.has_t()) return AttributeProto::TENSOR;
  if (a.has_g()) return AttributeProto::GRAPH;
  if (a.floats_size()) return AttributeProto::FLOATS;
  if (a.ints_size()) return AttributeProto::INTS;
  if (a.strings_size()) return AttributeProto::STRINGS;
  if (a.tensors_size()) return AttributeProto::TENSORS;
  if (a.graphs_size()) return AttributeProto::GRAPHS;
  return AttributeProto::UNDEFINED;
}

class Importer {
 public:
  explicit Importer(std::string model_dir) { options_.model_dir = std::move(model_dir); }

  // Fills `g` (whose parent and opset imports are already set) from `gp`. With `consume`
  // (the same GraphProto, writable), each initializer's data is released from the proto as
  // soon as its Tensor holds it (see TakeGraphFromModelProto). With `skeleton` (for the
  // main graph), initializers it detached read their raw_data from `source`.
  Status ImportGraph(const GraphProto& gp, ir::Graph* g, GraphProto* consume = nullptr,
                     const ModelSkeleton* skeleton = nullptr, const ModelSource* source = nullptr);

 private:
  StatusOr<ir::Attribute> ImportAttribute(const AttributeProto& a, ir::Graph* g,
                                          const std::string& where);
  StatusOr<std::shared_ptr<ir::Graph>> ImportSubgraph(const GraphProto& gp, ir::Graph* parent,
                                                      const std::string& where);
  StatusOr<Tensor> DenseFromSparse(const ::onnx::SparseTensorProto& sp, const std::string& where);
  // A value of an enclosing graph, as a placeholder of `g` named like it; nullptr if no
  // enclosing graph defines `name`.
  ir::Value* ResolveOuter(ir::Graph* g, const std::string& name);
  Status AddUniqueValue(ir::Graph* g, const std::string& name, const std::string& what,
                        ir::Value** out);

  TensorReadOptions options_;
};

Status Importer::AddUniqueValue(ir::Graph* g, const std::string& name, const std::string& what,
                                ir::Value** out) {
  if (name.empty()) return InvalidArgument(what + " has an empty name");
  // Graph::AddValue would silently rename a duplicate; ONNX graphs are SSA, so refuse.
  if (g->FindValue(name))
    return InvalidArgument(what + " '" + name + "' is defined more than once in graph '" +
                           g->name() + "'");
  *out = g->AddValue(name);
  return Status::Ok();
}

ir::Value* Importer::ResolveOuter(ir::Graph* g, const std::string& name) {
  for (ir::Graph* p = g->parent(); p; p = p->parent()) {
    if (ir::Value* outer = p->FindValue(name)) return g->AddValue(name, outer->info());
  }
  return nullptr;
}

StatusOr<Tensor> Importer::DenseFromSparse(const ::onnx::SparseTensorProto& sp,
                                           const std::string& where) {
  // ONNX SparseTensorProto: values [NNZ], indices [NNZ] (linear) or [NNZ, rank], dims.
  FERRY_ASSIGN_OR_RETURN(Tensor values, TensorFromProto(sp.values(), options_));
  FERRY_ASSIGN_OR_RETURN(Tensor indices, TensorFromProto(sp.indices(), options_));
  std::vector<int64_t> dims(sp.dims().begin(), sp.dims().end());
  const size_t elem = values.dtype() == DataType::kString ? 1 : SizeOf(values.dtype());
  Status valid = Shape::Validate(dims, elem, Tensor::kMaxBytes);
  if (!valid.ok()) return valid.WithContext(where);
  Tensor dense = Tensor::Zeros(values.dtype(), Shape(dims));
  const int64_t nnz = values.NumElements();
  const int rank = static_cast<int>(dims.size());
  const bool linear = indices.rank() == 1;
  if (values.rank() != 1 ||
      (linear ? indices.dim(0) != nnz
              : indices.rank() != 2 || indices.dim(0) != nnz || indices.dim(1) != rank))
    return InvalidArgument(where + ": sparse tensor values " + values.shape().ToString() +
                           " and indices " + indices.shape().ToString() + " do not match dims " +
                           Shape(dims).ToString());
  const std::vector<int64_t> idx = indices.ToInt64Vector();
  const int64_t total = dense.NumElements();
  for (int64_t k = 0; k < nnz; ++k) {
    int64_t pos = 0;
    if (linear) {
      pos = idx[k];
    } else {
      for (int d = 0; d < rank; ++d) {
        const int64_t i = idx[k * rank + d];
        if (i < 0 || i >= dims[d]) {
          pos = -1;
          break;
        }
        pos = pos * dims[d] + i;
      }
    }
    if (pos < 0 || pos >= total)
      return InvalidArgument(where + ": sparse tensor index " + std::to_string(k) +
                             " is out of range for dims " + Shape(dims).ToString());
    if (dense.dtype() == DataType::kString) {
      dense.strings()[pos] = values.strings()[k];
    } else {
      std::memcpy(static_cast<uint8_t*>(dense.raw_data()) + pos * elem,
                  static_cast<const uint8_t*>(values.raw_data()) + k * elem, elem);
    }
  }
  return dense;
}

StatusOr<std::shared_ptr<ir::Graph>> Importer::ImportSubgraph(const GraphProto& gp,
                                                              ir::Graph* parent,
                                                              const std::string& where) {
  auto sub = std::make_shared<ir::Graph>();
  sub->set_parent(parent);
  // Subgraphs run under the model's opset imports (onnx.proto: a graph attribute has none).
  sub->opset_imports() = parent->opset_imports();
  Status s = ImportGraph(gp, sub.get());
  if (!s.ok()) return s.WithContext(where);
  return sub;
}

StatusOr<ir::Attribute> Importer::ImportAttribute(const AttributeProto& a, ir::Graph* g,
                                                  const std::string& where) {
  AttributeProto::AttributeType type = a.type();
  if (type == AttributeProto::UNDEFINED) type = TypeFromSetField(a);
  if (type == AttributeProto::UNDEFINED)
    return InvalidArgument(where + " has no type and no value");
  switch (type) {
    case AttributeProto::FLOAT: return ir::Attribute::Float(a.f());
    case AttributeProto::INT: return ir::Attribute::Int(a.i());
    case AttributeProto::STRING: return ir::Attribute::String(a.s());
    case AttributeProto::TENSOR: {
      auto t = TensorFromProto(a.t(), options_);
      if (!t.ok()) return t.status().WithContext(where);
      return ir::Attribute::FromTensor(std::move(t).value());
    }
    case AttributeProto::SPARSE_TENSOR: {
      FERRY_ASSIGN_OR_RETURN(Tensor t, DenseFromSparse(a.sparse_tensor(), where));
      return ir::Attribute::FromTensor(std::move(t));
    }
    case AttributeProto::GRAPH: {
      FERRY_ASSIGN_OR_RETURN(auto sub, ImportSubgraph(a.g(), g, where));
      return ir::Attribute::FromGraph(std::move(sub));
    }
    case AttributeProto::TYPE_PROTO: {
      auto t = DataTypeFromTypeProto(a.tp());
      if (!t.ok()) return t.status().WithContext(where);
      return ir::Attribute::Type(*t);
    }
    case AttributeProto::FLOATS:
      return ir::Attribute::Floats(std::vector<float>(a.floats().begin(), a.floats().end()));
    case AttributeProto::INTS:
      return ir::Attribute::Ints(std::vector<int64_t>(a.ints().begin(), a.ints().end()));
    case AttributeProto::STRINGS:
      return ir::Attribute::Strings(
          std::vector<std::string>(a.strings().begin(), a.strings().end()));
    case AttributeProto::TENSORS: {
      std::vector<Tensor> ts;
      for (const auto& tp : a.tensors()) {
        auto t = TensorFromProto(tp, options_);
        if (!t.ok()) return t.status().WithContext(where);
        ts.push_back(std::move(t).value());
      }
      return ir::Attribute::Tensors(std::move(ts));
    }
    case AttributeProto::SPARSE_TENSORS: {
      std::vector<Tensor> ts;
      for (const auto& sp : a.sparse_tensors()) {
        FERRY_ASSIGN_OR_RETURN(Tensor t, DenseFromSparse(sp, where));
        ts.push_back(std::move(t));
      }
      return ir::Attribute::Tensors(std::move(ts));
    }
    case AttributeProto::GRAPHS: {
      std::vector<std::shared_ptr<ir::Graph>> gs;
      for (const auto& sg : a.graphs()) {
        FERRY_ASSIGN_OR_RETURN(auto sub, ImportSubgraph(sg, g, where));
        gs.push_back(std::move(sub));
      }
      return ir::Attribute::Graphs(std::move(gs));
    }
    case AttributeProto::TYPE_PROTOS: {
      std::vector<DataType> types;
      for (const auto& tp : a.type_protos()) {
        auto t = DataTypeFromTypeProto(tp);
        if (!t.ok()) return t.status().WithContext(where);
        types.push_back(*t);
      }
      return ir::Attribute::Types(std::move(types));
    }
    default:
      return InvalidArgument(where + " has unknown attribute type " +
                             std::to_string(static_cast<int>(type)));
  }
}

// Replaces an initializer by an empty tensor ([0]) of the same name and type, freeing its
// data: the onnx checker still accepts the model afterwards (a tensor with no elements needs
// no value field).
void ReleaseTensorData(::onnx::TensorProto* p) {
  ::onnx::TensorProto husk;
  husk.set_name(p->name());
  husk.set_data_type(p->data_type());
  husk.add_dims(0);
  p->Swap(&husk);  // the data goes with `husk`
}

Status Importer::ImportGraph(const GraphProto& gp, ir::Graph* g, GraphProto* consume,
                             const ModelSkeleton* skeleton, const ModelSource* source) {
  g->set_name(gp.name());
  const std::string gname = "graph '" + gp.name() + "'";

  // Initializers are constants, also when the graph lists them as inputs too (IR < 4 did so;
  // ferry does not let callers override them).
  for (int i = 0; i < gp.initializer_size(); ++i) {
    const ::onnx::TensorProto& init = gp.initializer(i);
    const DetachedPayload* raw = nullptr;
    if (skeleton) {
      auto it = skeleton->detached.find(i);
      if (it != skeleton->detached.end()) raw = &it->second;
    }
    auto t =
        raw ? TensorFromProto(init, options_, DetachedRawData{source, raw->offset, raw->length})
            : TensorFromProto(init, options_);
    if (!t.ok()) return t.status().WithContext(gname + " initializer");
    ir::Value* v = nullptr;
    FERRY_RETURN_IF_ERROR(AddUniqueValue(g, init.name(), "initializer", &v));
    v->set_constant(std::move(t).value());
    // The proto and the IR never hold all weights at once: peak memory stays near one
    // copy of the model (docs/CONVERT.md, "Big models").
    if (consume) ReleaseTensorData(consume->mutable_initializer(i));
  }
  for (const auto& sp : gp.sparse_initializer()) {
    const std::string& name = sp.values().name();
    FERRY_ASSIGN_OR_RETURN(Tensor t,
                           DenseFromSparse(sp, gname + " sparse initializer '" + name + "'"));
    ir::Value* v = nullptr;
    FERRY_RETURN_IF_ERROR(AddUniqueValue(g, name, "initializer", &v));
    v->set_constant(std::move(t));
  }
  for (const auto& in : gp.input()) {
    ir::Value* existing = g->FindValue(in.name());
    if (existing && existing->is_constant()) continue;
    ir::Value* v = nullptr;
    FERRY_RETURN_IF_ERROR(AddUniqueValue(g, in.name(), "input", &v));
    Status s = ValueInfoFromTypeProto(in.type(), &v->info());
    if (!s.ok()) return s.WithContext(gname + " input '" + in.name() + "'");
    g->inputs().push_back(v);
  }

  // Create every node output first, so that inputs resolve whatever the node order and
  // subgraphs can see every value of this graph.
  std::vector<std::vector<ir::Value*>> outputs(gp.node_size());
  for (int i = 0; i < gp.node_size(); ++i) {
    for (const std::string& name : gp.node(i).output()) {
      ir::Value* v = nullptr;
      if (!name.empty())
        FERRY_RETURN_IF_ERROR(AddUniqueValue(g, name, gname + ": node output", &v));
      outputs[i].push_back(v);
    }
  }

  for (int i = 0; i < gp.node_size(); ++i) {
    const NodeProto& np = gp.node(i);
    // Unnamed nodes get a name so that every error message can point at them.
    const std::string name = np.name().empty() ? np.op_type() + "_" + std::to_string(i) : np.name();
    const std::string desc = np.op_type() + " '" + name + "'";
    std::vector<ir::Value*> inputs;
    for (const std::string& in : np.input()) {
      if (in.empty()) {
        inputs.push_back(nullptr);  // an omitted optional input
        continue;
      }
      ir::Value* v = g->FindValue(in);
      if (!v) v = ResolveOuter(g, in);
      if (!v) return InvalidArgument(desc + ": input '" + in + "' is not defined in " + gname);
      inputs.push_back(v);
    }
    std::vector<std::pair<std::string, ir::Attribute>> attrs;
    for (const auto& a : np.attribute()) {
      if (!a.ref_attr_name().empty())
        return Unimplemented(desc + ": attribute '" + a.name() +
                             "' refers to a function attribute; model functions are not supported");
      FERRY_ASSIGN_OR_RETURN(ir::Attribute attr,
                             ImportAttribute(a, g, desc + " attribute '" + a.name() + "'"));
      attrs.emplace_back(a.name(), std::move(attr));
    }
    ir::Node* n = g->AddNodeWithOutputs(np.op_type(), NormalizeDomain(np.domain()), name,
                                        std::move(inputs), outputs[i]);
    for (auto& [k, a] : attrs) n->set_attr(k, std::move(a));
  }

  for (const auto& out : gp.output()) {
    ir::Value* v = g->FindValue(out.name());
    if (!v) v = ResolveOuter(g, out.name());
    if (!v) return InvalidArgument(gname + ": output '" + out.name() + "' is not defined");
    if (!v->is_constant()) {
      Status s = MergeTypeProto(out.type(), &v->info());
      if (!s.ok()) return s.WithContext(gname + " output '" + out.name() + "'");
    }
    g->outputs().push_back(v);
  }
  for (const auto& vi : gp.value_info()) {
    ir::Value* v = g->FindValue(vi.name());
    if (!v || v->is_constant()) continue;  // value_info may describe values not in the graph
    Status s = MergeTypeProto(vi.type(), &v->info());
    if (!s.ok()) return s.WithContext(gname + " value_info '" + vi.name() + "'");
  }
  return Status::Ok();
}

}  // namespace

namespace {

StatusOr<std::shared_ptr<ir::Graph>> Import(const ::onnx::ModelProto& model,
                                            const std::string& model_dir,
                                            ::onnx::ModelProto* consume,
                                            const ModelSkeleton* skeleton = nullptr,
                                            const ModelSource* source = nullptr) {
  auto g = std::make_shared<ir::Graph>();
  for (const auto& op : model.opset_import())
    g->opset_imports()[NormalizeDomain(op.domain())] = op.version();
  // IR version 1/2 models predate opset_import; they mean opset 1 of the default domain.
  if (model.opset_import_size() == 0) g->opset_imports()[""] = 1;

  auto& meta = g->metadata();
  for (const auto& kv : model.metadata_props()) meta[kv.key()] = kv.value();
  if (model.has_producer_name()) meta[kMetaProducerName] = model.producer_name();
  if (model.has_producer_version()) meta[kMetaProducerVersion] = model.producer_version();
  if (model.has_domain()) meta[kMetaDomain] = model.domain();
  if (model.has_model_version()) meta[kMetaModelVersion] = std::to_string(model.model_version());
  if (model.has_doc_string()) meta[kMetaDocString] = model.doc_string();
  meta[kMetaIrVersion] = std::to_string(model.ir_version());

  if (!model.has_graph()) return InvalidArgument("model has no graph");
  Importer importer(model_dir);
  FERRY_RETURN_IF_ERROR(importer.ImportGraph(
      model.graph(), g.get(), consume ? consume->mutable_graph() : nullptr, skeleton, source));
  return g;
}

}  // namespace

StatusOr<std::shared_ptr<ir::Graph>> GraphFromModelProto(const ::onnx::ModelProto& model,
                                                         const std::string& model_dir) {
  return Import(model, model_dir, nullptr);
}

StatusOr<std::shared_ptr<ir::Graph>> TakeGraphFromModelProto(::onnx::ModelProto* model,
                                                             const std::string& model_dir) {
  return Import(*model, model_dir, model);
}

StatusOr<std::shared_ptr<ir::Graph>> TakeGraphFromSkeleton(::onnx::ModelProto* model,
                                                           const std::string& model_dir,
                                                           const ModelSkeleton& skeleton,
                                                           const ModelSource& source) {
  return Import(*model, model_dir, model, &skeleton, &source);
}

}  // namespace ferry::onnx
