#include "tf/proto_convert.h"

#include <bit>
#include <cstring>

#include "tf/types.h"

namespace ferry::tf {

static_assert(std::endian::native == std::endian::little,
              "tensor_content is little-endian; ferry copies it as is");

namespace {

// Copies TF's typed value list into t, repeating the last value (TF's Tensor::FromProto).
template <typename Dst, typename Field>
Status FillFromVals(const Field& vals, Tensor* t, const std::string& what) {
  const int64_t n = t->NumElements();
  if (static_cast<int64_t>(vals.size()) > n)
    return InvalidArgument(what + ": " + std::to_string(vals.size()) + " values for " +
                           std::to_string(n) + " elements");
  Dst* out = t->data<Dst>();
  if (vals.empty()) {
    for (int64_t i = 0; i < n; ++i) out[i] = Dst{};
    return Status::Ok();
  }
  for (int64_t i = 0; i < n; ++i) {
    auto v = vals[i < vals.size() ? static_cast<int>(i) : vals.size() - 1];
    out[i] = static_cast<Dst>(v);
  }
  return Status::Ok();
}

}  // namespace

Status TensorToProto(const Tensor& t, tfproto::TensorProto* p) {
  FERRY_ASSIGN_OR_RETURN(int code, DataTypeToTf(t.dtype()));
  p->Clear();
  p->set_dtype(static_cast<tfproto::DataType>(code));
  for (int64_t d : t.shape().dims()) p->mutable_tensor_shape()->add_dim()->set_size(d);
  if (t.dtype() == DataType::kString) {
    for (const std::string& s : t.strings()) p->add_string_val(s);
  } else if (t.NumBytes() > 0) {
    p->set_tensor_content(t.raw_data(), t.NumBytes());
  }
  return Status::Ok();
}

StatusOr<Tensor> TensorFromProto(const tfproto::TensorProto& p, const std::string& what) {
  auto dtype = DataTypeFromTf(p.dtype());
  if (!dtype.ok()) return dtype.status().WithContext(what);
  if (p.tensor_shape().unknown_rank()) return InvalidArgument(what + ": tensor has unknown rank");
  std::vector<int64_t> dims;
  for (const auto& d : p.tensor_shape().dim()) {
    if (d.size() < 0) return InvalidArgument(what + ": tensor has an unknown dimension");
    dims.push_back(d.size());
  }
  const size_t elem = SizeOf(*dtype);
  auto created = Tensor::Create(*dtype, Shape(dims));
  if (!created.ok()) return created.status().WithContext(what);
  Tensor t = std::move(created).value();
  const int64_t n = t.NumElements();
  if (*dtype == DataType::kString) {
    if (!p.tensor_content().empty())
      return Unimplemented(what + ": string tensor in tensor_content form");
    if (p.string_val_size() > n)
      return InvalidArgument(what + ": " + std::to_string(p.string_val_size()) + " strings for " +
                             std::to_string(n) + " elements");
    for (int64_t i = 0; i < n && p.string_val_size() > 0; ++i)
      t.strings()[i] = p.string_val(std::min<int64_t>(i, p.string_val_size() - 1));
    return t;
  }
  if (!p.tensor_content().empty()) {
    if (p.tensor_content().size() != static_cast<size_t>(n) * elem)
      return InvalidArgument(what + ": tensor_content has " +
                             std::to_string(p.tensor_content().size()) + " bytes, shape " +
                             t.shape().ToString() + " of " + DataTypeName(*dtype) + " needs " +
                             std::to_string(n * elem));
    std::memcpy(t.raw_data(), p.tensor_content().data(), p.tensor_content().size());
    return t;
  }
  Status s;
  switch (*dtype) {
    case DataType::kFloat32: s = FillFromVals<float>(p.float_val(), &t, what); break;
    case DataType::kFloat64: s = FillFromVals<double>(p.double_val(), &t, what); break;
    case DataType::kInt32: s = FillFromVals<int32_t>(p.int_val(), &t, what); break;
    case DataType::kInt16: s = FillFromVals<int16_t>(p.int_val(), &t, what); break;
    case DataType::kInt8: s = FillFromVals<int8_t>(p.int_val(), &t, what); break;
    case DataType::kUInt8: s = FillFromVals<uint8_t>(p.int_val(), &t, what); break;
    case DataType::kUInt16: s = FillFromVals<uint16_t>(p.int_val(), &t, what); break;
    case DataType::kInt64: s = FillFromVals<int64_t>(p.int64_val(), &t, what); break;
    case DataType::kUInt32: s = FillFromVals<uint32_t>(p.uint32_val(), &t, what); break;
    case DataType::kUInt64: s = FillFromVals<uint64_t>(p.uint64_val(), &t, what); break;
    case DataType::kBool: s = FillFromVals<bool>(p.bool_val(), &t, what); break;
    // half_val holds the 16 bits of each half / bfloat16 value in an int32.
    case DataType::kFloat16:
    case DataType::kBFloat16: s = FillFromVals<uint16_t>(p.half_val(), &t, what); break;
    default: return Unimplemented(what + ": data type " + DataTypeName(*dtype));
  }
  if (!s.ok()) return s;
  return t;
}

tfproto::TensorShapeProto ShapeToProto(const std::optional<std::vector<ir::Dim>>& shape) {
  tfproto::TensorShapeProto p;
  if (!shape) {
    p.set_unknown_rank(true);
    return p;
  }
  for (const ir::Dim& d : *shape) p.add_dim()->set_size(d.known() ? d.value : -1);
  return p;
}

std::optional<std::vector<ir::Dim>> ShapeFromProto(const tfproto::TensorShapeProto& p) {
  if (p.unknown_rank()) return std::nullopt;
  std::vector<ir::Dim> dims;
  for (const auto& d : p.dim()) {
    if (d.size() >= 0)
      dims.push_back(ir::Dim::Known(d.size()));
    else if (!d.name().empty())
      dims.push_back(ir::Dim::Named(d.name()));
    else
      dims.push_back(ir::Dim::Unknown());
  }
  return dims;
}

Status AttrToProto(const ir::Attribute& a, tfproto::AttrValue* p, const std::string& what) {
  p->Clear();
  switch (a.kind()) {
    case ir::AttrKind::kInt: p->set_i(a.i()); break;
    case ir::AttrKind::kFloat: p->set_f(a.f()); break;
    case ir::AttrKind::kString: p->set_s(a.s()); break;
    case ir::AttrKind::kBool: p->set_b(a.b()); break;
    case ir::AttrKind::kType: {
      FERRY_ASSIGN_OR_RETURN(int code, DataTypeToTf(a.type()));
      p->set_type(static_cast<tfproto::DataType>(code));
      break;
    }
    case ir::AttrKind::kShape: {
      const ir::ShapeAttr& s = a.shape();
      tfproto::TensorShapeProto* sp = p->mutable_shape();
      if (s.unknown_rank)
        sp->set_unknown_rank(true);
      else
        for (int64_t d : s.dims) sp->add_dim()->set_size(d);
      break;
    }
    case ir::AttrKind::kTensor: {
      Status s = TensorToProto(a.t(), p->mutable_tensor());
      if (!s.ok()) return s.WithContext(what);
      break;
    }
    case ir::AttrKind::kInts:
      for (int64_t v : a.ints()) p->mutable_list()->add_i(v);
      p->mutable_list();
      break;
    case ir::AttrKind::kFloats:
      for (float v : a.floats()) p->mutable_list()->add_f(v);
      p->mutable_list();
      break;
    case ir::AttrKind::kStrings:
      for (const auto& v : a.strings()) p->mutable_list()->add_s(v);
      p->mutable_list();
      break;
    case ir::AttrKind::kTypes:
      for (DataType t : a.types()) {
        FERRY_ASSIGN_OR_RETURN(int code, DataTypeToTf(t));
        p->mutable_list()->add_type(static_cast<tfproto::DataType>(code));
      }
      p->mutable_list();
      break;
    case ir::AttrKind::kTensors:
      for (const Tensor& t : a.tensors()) {
        Status s = TensorToProto(t, p->mutable_list()->add_tensor());
        if (!s.ok()) return s.WithContext(what);
      }
      p->mutable_list();
      break;
    case ir::AttrKind::kGraph:
    case ir::AttrKind::kGraphs:
      return Unimplemented(what + ": graph attributes have no TensorFlow form here");
  }
  return Status::Ok();
}

StatusOr<ir::Attribute> AttrFromProto(const tfproto::AttrValue& p, const std::string& what) {
  using tfproto::AttrValue;
  switch (p.value_case()) {
    case AttrValue::kS: return ir::Attribute::String(p.s());
    case AttrValue::kI: return ir::Attribute::Int(p.i());
    case AttrValue::kF: return ir::Attribute::Float(p.f());
    case AttrValue::kB: return ir::Attribute::Bool(p.b());
    case AttrValue::kType: {
      auto t = DataTypeFromTf(p.type());
      if (!t.ok()) return t.status().WithContext(what);
      return ir::Attribute::Type(*t);
    }
    case AttrValue::kShape: {
      ir::ShapeAttr s;
      s.unknown_rank = p.shape().unknown_rank();
      for (const auto& d : p.shape().dim()) s.dims.push_back(d.size() < 0 ? -1 : d.size());
      return ir::Attribute::FromShape(std::move(s));
    }
    case AttrValue::kTensor: {
      FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(p.tensor(), what));
      return ir::Attribute::FromTensor(std::move(t));
    }
    case AttrValue::kList: {
      const auto& l = p.list();
      if (l.s_size()) return ir::Attribute::Strings({l.s().begin(), l.s().end()});
      if (l.f_size()) return ir::Attribute::Floats({l.f().begin(), l.f().end()});
      if (l.type_size()) {
        std::vector<DataType> types;
        for (int code : l.type()) {
          auto t = DataTypeFromTf(code);
          if (!t.ok()) return t.status().WithContext(what);
          types.push_back(*t);
        }
        return ir::Attribute::Types(std::move(types));
      }
      if (l.tensor_size()) {
        std::vector<Tensor> ts;
        for (const auto& tp : l.tensor()) {
          FERRY_ASSIGN_OR_RETURN(Tensor t, TensorFromProto(tp, what));
          ts.push_back(std::move(t));
        }
        return ir::Attribute::Tensors(std::move(ts));
      }
      if (l.b_size() || l.shape_size() || l.func_size())
        return Unimplemented(what +
                             ": list(bool), list(shape) and list(func) attributes are "
                             "not supported");
      return ir::Attribute::Ints({l.i().begin(), l.i().end()});  // also the empty list
    }
    case AttrValue::kFunc:
      return Unimplemented(what + ": function attribute '" + p.func().name() +
                           "' (only frozen graphs without functions are supported)");
    case AttrValue::kPlaceholder:
      return Unimplemented(what + ": placeholder attribute (only frozen graphs are supported)");
    case AttrValue::VALUE_NOT_SET: return InvalidArgument(what + ": attribute has no value");
  }
  return InvalidArgument(what + ": unknown attribute kind");
}

}  // namespace ferry::tf
