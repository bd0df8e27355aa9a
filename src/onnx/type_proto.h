// onnx::TypeProto <-> ir::ValueInfo. Only tensor types carry a dtype and shape in the IR;
// sequence, map and optional types load as untyped values.
#pragma once

#include "core/status.h"
#include "ir/graph.h"
#include "onnx/onnx_pb.h"

namespace ferry::onnx {

// The element type of a tensor type; kUndefined for other kinds of type.
StatusOr<DataType> DataTypeFromTypeProto(const ::onnx::TypeProto& type);

// Replaces `info` with the dtype and shape of `type`: dim_value -> Dim::Known, dim_param ->
// Dim::Named, neither -> Dim::Unknown; no shape field -> unknown rank.
Status ValueInfoFromTypeProto(const ::onnx::TypeProto& type, ir::ValueInfo* info);

// Adds what `type` knows and `info` does not: an undefined dtype, an unknown rank, unknown
// dims of the same rank. Known information in `info` is never overwritten.
Status MergeTypeProto(const ::onnx::TypeProto& type, ir::ValueInfo* info);

// Writes a tensor type; named dims become dim_param, unknown dims stay empty.
void TypeProtoFromValueInfo(const ir::ValueInfo& info, ::onnx::TypeProto* type);

}  // namespace ferry::onnx
