// Conversions between ferry's values (Tensor, symbolic shapes, typed attributes) and TF's
// wire messages (TensorProto, TensorShapeProto, AttrValue), per
// tensorflow/core/framework/{tensor,tensor_shape,attr_value}.proto.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/attribute.h"
#include "ir/graph.h"
#include "tf/proto/tf.pb.h"

namespace ferry::tf {

// Writes dtype, shape and the data: tensor_content (raw little-endian) for numbers,
// string_val for strings.
Status TensorToProto(const Tensor& t, tfproto::TensorProto* p);
// Reads any of TF's encodings: tensor_content, or the typed *_val fields where fewer values
// than elements repeat the last one and none means zeros (TF's Tensor::FromProto rule).
// `what` names the tensor in errors ("Const 'w' attribute 'value'").
StatusOr<Tensor> TensorFromProto(const tfproto::TensorProto& p, const std::string& what);

// nullopt = unknown rank; unknown and named dims become -1.
tfproto::TensorShapeProto ShapeToProto(const std::optional<std::vector<ir::Dim>>& shape);
std::optional<std::vector<ir::Dim>> ShapeFromProto(const tfproto::TensorShapeProto& p);

// IR attribute -> AttrValue; graphs have no TF attribute form here (error).
Status AttrToProto(const ir::Attribute& a, tfproto::AttrValue* p, const std::string& what);
// AttrValue -> IR attribute. An empty list becomes an empty kInts; list(shape), list(bool)
// of length > 0, func and placeholder attributes are errors naming `what`.
StatusOr<ir::Attribute> AttrFromProto(const tfproto::AttrValue& p, const std::string& what);

}  // namespace ferry::tf
