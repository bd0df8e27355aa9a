#include "onnx/type_proto.h"

#include "onnx/tensor_proto.h"

namespace ferry::onnx {

StatusOr<DataType> DataTypeFromTypeProto(const ::onnx::TypeProto& type) {
  if (!type.has_tensor_type()) return DataType::kUndefined;
  return DataTypeFromOnnx(type.tensor_type().elem_type());
}

Status ValueInfoFromTypeProto(const ::onnx::TypeProto& type, ir::ValueInfo* info) {
  *info = ir::ValueInfo();
  return MergeTypeProto(type, info);
}

Status MergeTypeProto(const ::onnx::TypeProto& type, ir::ValueInfo* info) {
  if (!type.has_tensor_type()) return Status::Ok();
  const auto& tt = type.tensor_type();
  FERRY_ASSIGN_OR_RETURN(DataType dtype, DataTypeFromOnnx(tt.elem_type()));
  if (info->dtype == DataType::kUndefined) info->dtype = dtype;
  if (!tt.has_shape()) return Status::Ok();
  std::vector<ir::Dim> dims;
  for (const auto& d : tt.shape().dim()) {
    if (d.has_dim_value() && d.dim_value() >= 0) {
      dims.push_back(ir::Dim::Known(d.dim_value()));
    } else if (d.has_dim_param() && !d.dim_param().empty()) {
      dims.push_back(ir::Dim::Named(d.dim_param()));
    } else {
      dims.push_back(ir::Dim::Unknown());
    }
  }
  if (!info->shape) {
    info->shape = std::move(dims);
  } else if (info->shape->size() == dims.size()) {
    for (size_t i = 0; i < dims.size(); ++i) {
      ir::Dim& have = (*info->shape)[i];
      if (!have.known() && (dims[i].known() || have.param.empty())) have = dims[i];
    }
  }
  return Status::Ok();
}

void TypeProtoFromValueInfo(const ir::ValueInfo& info, ::onnx::TypeProto* type) {
  auto* tt = type->mutable_tensor_type();
  tt->set_elem_type(DataTypeToOnnx(info.dtype));
  if (!info.shape) return;
  auto* shape = tt->mutable_shape();
  for (const ir::Dim& d : *info.shape) {
    auto* dim = shape->add_dim();
    if (d.known()) {
      dim->set_dim_value(d.value);
    } else if (!d.param.empty()) {
      dim->set_dim_param(d.param);
    }
  }
}

}  // namespace ferry::onnx
