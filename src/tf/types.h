// TensorFlow's DataType codes (tensorflow/core/framework/types.proto) and ferry's DataType.
// The codes are ints here so that callers outside src/tf need no generated protobuf header;
// they are the values of ferry::tfproto::DataType.
#pragma once

#include <string>

#include "core/dtype.h"
#include "core/status.h"

namespace ferry::tf {

// TF DataType code -> ferry DataType; error for codes ferry has no type for (complex,
// resource, variant, quantized, the *_REF codes).
StatusOr<DataType> DataTypeFromTf(int tf_code);
// ferry DataType -> TF DataType code; error for kUndefined.
StatusOr<int> DataTypeToTf(DataType t);
// "DT_FLOAT", ... for messages and for TF.js JSON; "DT_<code>" for unknown codes.
std::string TfDataTypeName(int tf_code);

}  // namespace ferry::tf
