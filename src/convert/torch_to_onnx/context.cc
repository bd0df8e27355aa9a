#include "convert/torch_to_onnx/context.h"

#include <cmath>

#include "onnx/tensor_proto.h"

namespace ferry::convert::torch_to_onnx {
namespace {

int Rank(const AtenValue& v) { return v.sizes ? static_cast<int>(v.sizes->size()) : -1; }

// A 0-d tensor of `dtype` holding v.
Tensor ScalarOf(double v, DataType dtype) {
  switch (dtype) {
    case DataType::kFloat64:
      return Tensor::Scalar<double>(v);
    case DataType::kInt64:
      return Tensor::Scalar<int64_t>(static_cast<int64_t>(v));
    case DataType::kInt32:
      return Tensor::Scalar<int32_t>(static_cast<int32_t>(v));
    case DataType::kBool:
      return Tensor::Scalar<bool>(v != 0);
    case DataType::kUInt8:
      return Tensor::Scalar<uint8_t>(static_cast<uint8_t>(v));
    case DataType::kInt8:
      return Tensor::Scalar<int8_t>(static_cast<int8_t>(v));
    default:
      return Tensor::Scalar<float>(static_cast<float>(v));
  }
}

}  // namespace

bool IsFloatType(DataType t) {
  return t == DataType::kFloat32 || t == DataType::kFloat64 || t == DataType::kFloat16 ||
         t == DataType::kBFloat16;
}

DataType PromoteTypes(DataType a, DataType b) {
  if (a == DataType::kUndefined || b == DataType::kUndefined) return DataType::kUndefined;
  if (a == b) return a;
  if (IsFloatType(a) != IsFloatType(b)) return IsFloatType(a) ? a : b;
  if (a == DataType::kBool) return b;
  if (b == DataType::kBool) return a;
  return SizeOf(a) >= SizeOf(b) ? a : b;
}

Ctx::Ctx(const AtenGraph& aten, ir::Graph& graph) : aten_(aten), graph_(graph) {
  for (size_t n = 0; n < aten_.nodes.size(); ++n)
    for (int o : aten_.nodes[n].outputs) producer_[o] = static_cast<int>(n);
}

bool Ctx::IsNone(int i) const { return i >= num_inputs() || in_value(i).kind == AtenKind::kNone; }

std::optional<int64_t> Ctx::Int(int i) const {
  if (i >= num_inputs()) return std::nullopt;
  const AtenValue& v = in_value(i);
  if (!v.constant || v.constant->NumElements() != 1) return std::nullopt;
  if (v.kind == AtenKind::kInt) return v.constant->data<int64_t>()[0];
  if (v.kind == AtenKind::kBool) return v.constant->data<bool>()[0] ? 1 : 0;
  return std::nullopt;
}

std::optional<double> Ctx::Float(int i) const {
  if (i >= num_inputs()) return std::nullopt;
  const AtenValue& v = in_value(i);
  if (v.kind == AtenKind::kFloat && v.constant) return v.constant->data<double>()[0];
  if (auto x = Int(i)) return static_cast<double>(*x);
  return std::nullopt;
}

std::optional<bool> Ctx::Bool(int i) const {
  if (auto x = Int(i)) return *x != 0;
  return std::nullopt;
}

std::optional<std::string> Ctx::Str(int i) const {
  if (i >= num_inputs() || in_value(i).kind != AtenKind::kString) return std::nullopt;
  return in_value(i).str;
}

std::optional<std::vector<int64_t>> Ctx::Ints(int i) const {
  if (i >= num_inputs()) return std::nullopt;
  const AtenValue& v = in_value(i);
  if (v.kind == AtenKind::kIntList && v.constant) {
    const Tensor& t = *v.constant;
    return std::vector<int64_t>(t.data<int64_t>(), t.data<int64_t>() + t.NumElements());
  }
  if (auto x = Int(i)) return std::vector<int64_t>{*x};
  // A ListConstruct of constant ints that constant propagation left (it keeps lists
  // of mutable type as nodes).
  if (auto elems = ListElements(i)) {
    std::vector<int64_t> out;
    for (int id : *elems) {
      const AtenValue& e = aten_.values[id];
      if (e.kind != AtenKind::kInt || !e.constant) return std::nullopt;
      out.push_back(e.constant->data<int64_t>()[0]);
    }
    return out;
  }
  return std::nullopt;
}

std::optional<std::vector<double>> Ctx::Floats(int i) const {
  if (i >= num_inputs()) return std::nullopt;
  const AtenValue& v = in_value(i);
  if (v.kind == AtenKind::kFloatList && v.constant) {
    const Tensor& t = *v.constant;
    return std::vector<double>(t.data<double>(), t.data<double>() + t.NumElements());
  }
  if (auto ints = Ints(i)) return std::vector<double>(ints->begin(), ints->end());
  if (auto x = Float(i)) return std::vector<double>{*x};
  return std::nullopt;
}

StatusOr<int64_t> Ctx::RequireInt(int i, const std::string& what) const {
  if (auto x = Int(i)) return *x;
  return Error(what + " (input " + std::to_string(i) + ") must be a constant int");
}

StatusOr<std::vector<int64_t>> Ctx::RequireInts(int i, const std::string& what) const {
  if (auto x = Ints(i)) return *x;
  return Error(what + " (input " + std::to_string(i) + ") must be a constant int list");
}

StatusOr<double> Ctx::RequireFloat(int i, const std::string& what) const {
  if (auto x = Float(i)) return *x;
  return Error(what + " (input " + std::to_string(i) + ") must be a constant number");
}

StatusOr<bool> Ctx::RequireBool(int i, const std::string& what) const {
  if (auto x = Bool(i)) return *x;
  return Error(what + " (input " + std::to_string(i) + ") must be a constant bool");
}

std::optional<std::vector<int>> Ctx::ListElements(int i) const {
  if (i >= num_inputs()) return std::nullopt;
  auto it = producer_.find(node_->inputs[i]);
  if (it == producer_.end()) return std::nullopt;
  const AtenNode& p = aten_.nodes[it->second];
  if (p.kind != "prim::ListConstruct") return std::nullopt;
  return p.inputs;
}

StatusOr<ir::Value*> Ctx::ValueOf(int id) {
  if (auto it = bound_.find(id); it != bound_.end()) return it->second;
  const AtenValue& v = aten_.values[id];
  if (v.constant) {
    Tensor t = *v.constant;
    // Python floats are doubles; as tensors they meet float32 activations, so they are
    // stored float32 unless a mapping asks otherwise (InAs).
    if (v.kind == AtenKind::kFloat || v.kind == AtenKind::kFloatList) {
      std::vector<float> f(t.data<double>(), t.data<double>() + t.NumElements());
      t = Tensor::FromVector<float>(f, t.shape());
    }
    ir::Value* c = Const(std::move(t), v.name);
    rank_[c] = static_cast<int>(v.constant->shape().rank());
    bound_[id] = c;
    return c;
  }
  return Error("value '" + v.name +
               "' has no ONNX equivalent yet (its producer was not "
               "converted, or it is a " +
               (v.kind == AtenKind::kNone ? std::string("None") : std::string("non-tensor")) +
               " value)");
}

StatusOr<ir::Value*> Ctx::In(int i) {
  if (i >= num_inputs()) return Error("missing input " + std::to_string(i));
  const int id = node_->inputs[i];
  if (bound_.count(id) == 0 && !aten_.values[id].constant) {
    // A list of ints built from dynamic sizes: concatenate the scalars.
    if (auto elems = ListElements(i)) {
      std::vector<ir::Value*> parts;
      for (int e : *elems) {
        FERRY_ASSIGN_OR_RETURN(ir::Value * s, ValueOf(e));
        if (RankOf(s) != 1) s = Unsqueeze(s, {0});
        if (DtypeOf(s) != DataType::kInt64) s = Cast(s, DataType::kInt64);
        parts.push_back(s);
      }
      if (parts.empty()) return ConstInts({});
      ir::Value* c = parts.size() == 1 ? parts[0]
                                       : Op("Concat", parts, {{"axis", ir::Attribute::Int(0)}},
                                            DataType::kInt64, 1);
      return c;
    }
  }
  return ValueOf(id);
}

StatusOr<ir::Value*> Ctx::InAs(int i, DataType dtype) {
  if (i >= num_inputs()) return Error("missing input " + std::to_string(i));
  const AtenValue& v = in_value(i);
  if (dtype != DataType::kUndefined && v.constant && v.kind != AtenKind::kTensor &&
      v.constant->NumElements() == 1 && bound_.count(node_->inputs[i]) == 0) {
    double x = v.kind == AtenKind::kFloat  ? v.constant->data<double>()[0]
               : v.kind == AtenKind::kBool ? (v.constant->data<bool>()[0] ? 1.0 : 0.0)
                                           : static_cast<double>(v.constant->data<int64_t>()[0]);
    return ConstScalar(x, dtype);
  }
  FERRY_ASSIGN_OR_RETURN(ir::Value * x, In(i));
  DataType have = DtypeOf(x);
  if (dtype != DataType::kUndefined && have != DataType::kUndefined && have != dtype) {
    return Cast(x, dtype);
  }
  return x;
}

DataType Ctx::DtypeOf(const ir::Value* v) const {
  if (v == nullptr) return DataType::kUndefined;
  auto it = dtype_.find(v);
  if (it != dtype_.end()) return it->second;
  if (v->is_constant()) return v->constant().dtype();
  return v->info().dtype;
}

int Ctx::RankOf(const ir::Value* v) const {
  if (v == nullptr) return -1;
  auto it = rank_.find(v);
  if (it != rank_.end()) return it->second;
  if (v->is_constant()) return static_cast<int>(v->constant().shape().rank());
  if (v->info().shape) return static_cast<int>(v->info().shape->size());
  return -1;
}

StatusOr<int> Ctx::RequireRank(int i) const {
  if (i < num_inputs()) {
    if (auto it = bound_.find(node_->inputs[i]); it != bound_.end()) {
      int r = RankOf(it->second);
      if (r >= 0) return r;
    }
    int r = Rank(in_value(i));
    if (r >= 0) return r;
    if (in_value(i).constant) return static_cast<int>(in_value(i).constant->shape().rank());
  }
  return Error("the rank of input " + std::to_string(i) +
               " is unknown (shape propagation could not type it)");
}

ir::Value* Ctx::Const(Tensor t, const std::string& hint) {
  ir::Value* v = graph_.AddConstant(graph_.UniqueName(hint), std::move(t));
  v->info().dtype = v->constant().dtype();
  return v;
}

ir::Value* Ctx::ConstInts(const std::vector<int64_t>& v) {
  return Const(Tensor::FromVector<int64_t>(v, Shape({static_cast<int64_t>(v.size())})), "ints");
}

ir::Value* Ctx::ConstInt(int64_t v) { return Const(Tensor::Scalar<int64_t>(v), "int"); }

ir::Value* Ctx::ConstScalar(double v, DataType dtype) {
  return Const(ScalarOf(v, dtype), "scalar");
}

std::string Ctx::NodeName(const std::string& op) { return op + "_" + std::to_string(counter_++); }

std::vector<ir::Value*> Ctx::Ops(const std::string& op, std::vector<ir::Value*> inputs,
                                 std::map<std::string, ir::Attribute> attrs, int num_outputs,
                                 DataType dtype, int rank) {
  const std::string name = NodeName(op);
  std::vector<std::string> outs;
  for (int i = 0; i < num_outputs; ++i)
    outs.push_back(graph_.UniqueName(name + "_out" + std::to_string(i)));
  if (dtype == DataType::kUndefined && !inputs.empty()) dtype = DtypeOf(inputs[0]);
  ir::Node* n = graph_.AddNode(op, "", name, std::move(inputs), outs);
  for (auto& [k, a] : attrs) n->set_attr(k, std::move(a));
  std::vector<ir::Value*> result;
  for (int i = 0; i < num_outputs; ++i) {
    ir::Value* o = n->output(i);
    if (dtype != DataType::kUndefined) dtype_[o] = dtype;
    if (rank >= 0) rank_[o] = rank;
    result.push_back(o);
  }
  return result;
}

ir::Value* Ctx::Op(const std::string& op, std::vector<ir::Value*> inputs,
                   std::map<std::string, ir::Attribute> attrs, DataType dtype, int rank) {
  return Ops(op, std::move(inputs), std::move(attrs), 1, dtype, rank)[0];
}

ir::Value* Ctx::Cast(ir::Value* v, DataType to) {
  if (DtypeOf(v) == to) return v;
  return Op("Cast", {v},
            {{"to", ir::Attribute::Int(static_cast<int64_t>(onnx::DataTypeToOnnx(to)))}}, to,
            RankOf(v));
}

ir::Value* Ctx::Unsqueeze(ir::Value* v, const std::vector<int64_t>& axes) {
  const int r = RankOf(v) >= 0 ? RankOf(v) + static_cast<int>(axes.size()) : -1;
  if (opset() >= 13) return Op("Unsqueeze", {v, ConstInts(axes)}, {}, DtypeOf(v), r);
  return Op("Unsqueeze", {v}, {{"axes", ir::Attribute::Ints(axes)}}, DtypeOf(v), r);
}

ir::Value* Ctx::Squeeze(ir::Value* v, const std::vector<int64_t>& axes) {
  const int r = RankOf(v) >= 0 ? RankOf(v) - static_cast<int>(axes.size()) : -1;
  if (opset() >= 13) return Op("Squeeze", {v, ConstInts(axes)}, {}, DtypeOf(v), r);
  return Op("Squeeze", {v}, {{"axes", ir::Attribute::Ints(axes)}}, DtypeOf(v), r);
}

ir::Value* Ctx::DimOf(ir::Value* v, int64_t index, bool keep_dims) {
  ir::Value* shape = Op("Shape", {v}, {}, DataType::kInt64, 1);
  if (keep_dims) {
    return Op("Gather", {shape, ConstInts({index})}, {{"axis", ir::Attribute::Int(0)}},
              DataType::kInt64, 1);
  }
  return Op("Gather", {shape, ConstInt(index)}, {{"axis", ir::Attribute::Int(0)}}, DataType::kInt64,
            0);
}

void Ctx::Bind(int id, ir::Value* v) { bound_[id] = v; }

void Ctx::SetOutputList(int i, std::vector<ir::Value*> values) {
  lists_[node_->outputs[i]] = std::move(values);
}

StatusOr<std::vector<ir::Value*>> Ctx::InList(int i) {
  if (i >= num_inputs()) return Error("missing input " + std::to_string(i));
  if (auto it = lists_.find(node_->inputs[i]); it != lists_.end()) return it->second;
  if (in_value(i).kind == AtenKind::kTensorList && !in_value(i).tensors.empty()) {
    std::vector<ir::Value*> out;
    for (const Tensor& t : in_value(i).tensors) out.push_back(Const(t, in_value(i).name));
    lists_[node_->inputs[i]] = out;
    return out;
  }
  if (auto elems = ListElements(i)) {
    std::vector<ir::Value*> out;
    for (int id : *elems) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, ValueOf(id));
      out.push_back(v);
    }
    return out;
  }
  return Error("input " + std::to_string(i) + " ('" + in_value(i).name +
               "') is not a list the export can follow");
}

void Ctx::SetOutput(int i, ir::Value* v) {
  const int id = node_->outputs[i];
  const AtenValue& a = aten_.values[id];
  if (DtypeOf(v) == DataType::kUndefined) {
    DataType d = a.dtype;
    if (a.kind == AtenKind::kFloat) d = DataType::kFloat32;
    if (d != DataType::kUndefined) dtype_[v] = d;
  }
  if (RankOf(v) < 0) {
    if (Rank(a) >= 0)
      rank_[v] = Rank(a);
    else if (a.kind == AtenKind::kInt || a.kind == AtenKind::kFloat)
      rank_[v] = 0;
  }
  bound_[id] = v;
}

Status Ctx::Error(const std::string& msg) const {
  std::string where = node_ == nullptr ? "" : node_->kind;
  if (node_ != nullptr && !node_->source.empty()) where += " (" + node_->source + ")";
  return InvalidArgument(aten_.origin + ": " + where + ": " + msg);
}

}  // namespace ferry::convert::torch_to_onnx
