// Helpers shared by the op mappings (no libtorch).
#pragma once

#include <optional>
#include <vector>

#include "convert/torch_to_onnx/context.h"
#include "convert/torch_to_onnx/registry.h"

namespace ferry::convert::torch_to_onnx {

// torch's ScalarType code (c10/core/ScalarType.h: 0 uint8, 1 int8, 2 int16, 3 int32,
// 4 int64, 5 half, 6 float, 7 double, 11 bool, 15 bfloat16) -> DataType.
std::optional<DataType> DataTypeFromTorchCode(int64_t code);

// The dtype of input i: its ONNX value's, else the aten type's; Python ints int64, floats
// float32.
DataType InputDtype(Ctx& ctx, int i);

// A dim that may be negative, made positive against `rank`.
inline int64_t NormDim(int64_t d, int rank) { return d < 0 ? d + rank : d; }

// Binds output 0 to input 0 (ops that are the identity in an eval-mode export).
Status MapIdentity(Ctx& ctx);

}  // namespace ferry::convert::torch_to_onnx
