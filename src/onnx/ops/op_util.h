// Helpers shared by the ONNX op classes: input checks with messages that name the node and
// the input, dtype dispatch, and the spatial attributes of Conv and the pools.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "runtime/op.h"
#include "runtime/opset.h"

namespace ferry::onnx::ops {

using runtime::NodeInfo;
using runtime::Op;
using runtime::OpContext;
using runtime::OpSet;

// Input i, or an error "<op> '<node>': input i (<name>) is missing" when it is required.
StatusOr<const Tensor*> RequiredInput(const OpContext& ctx, int i);
// Error unless input i has the given rank (name it in the message).
Status CheckRank(const OpContext& ctx, int i, int rank);
// Error unless input i's dtype is one of `allowed`.
Status CheckDtype(const OpContext& ctx, int i, std::initializer_list<DataType> allowed);
// Error unless inputs i and j have the same dtype.
Status CheckSameDtype(const OpContext& ctx, int i, int j);

// Int64 values of a shape-like input (int32 or int64), e.g. Reshape's shape, Slice's starts.
StatusOr<std::vector<int64_t>> IntValues(const OpContext& ctx, int i);

// Calls f(T{}) with T the C++ type of dtype, for the listed families; an error naming the
// op otherwise. f returns Status.
enum class Types { kFloat, kNumeric, kAll };
template <typename F>
Status Dispatch(const OpContext& ctx, DataType dt, Types types, F&& f) {
  switch (dt) {
    case DataType::kFloat32: return f(float{});
    case DataType::kFloat64: return f(double{});
    default: break;
  }
  if (types != Types::kFloat) {
    switch (dt) {
      case DataType::kInt32: return f(int32_t{});
      case DataType::kInt64: return f(int64_t{});
      default: break;
    }
  }
  if (types == Types::kAll) {
    switch (dt) {
      case DataType::kBool: return f(bool{});
      case DataType::kUInt8: return f(uint8_t{});
      case DataType::kInt8: return f(int8_t{});
      case DataType::kInt16: return f(int16_t{});
      case DataType::kUInt16: return f(uint16_t{});
      case DataType::kUInt32: return f(uint32_t{});
      case DataType::kUInt64: return f(uint64_t{});
      default: break;
    }
  }
  return Unimplemented(ctx.node().Describe() + ": dtype " + DataTypeName(dt) +
                       " is not supported");
}

// Conv/pool spatial attributes (ONNX Conv-11 / MaxPool-12 / AveragePool-11) for 2-D,
// validated in the constructor. auto_pad is resolved against the input size at run time.
struct SpatialAttrs {
  std::vector<int64_t> kernel;     // kernel_shape (may be empty for Conv: from weights)
  std::vector<int64_t> strides;    // default 1
  std::vector<int64_t> dilations;  // default 1
  std::vector<int64_t> pads;       // [top, left, bottom, right], default 0
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;

  // Reads the attributes; `spatial` is 2. Errors name the node and attribute.
  static StatusOr<SpatialAttrs> Read(const NodeInfo& info, bool kernel_required);
  // Fills pads from auto_pad (SAME_UPPER/SAME_LOWER/VALID) for input size `in` along dim d
  // (0 = H, 1 = W); returns [pad_begin, pad_end].
  std::pair<int64_t, int64_t> Pads(int d, int64_t in, int64_t kernel) const;
};

}  // namespace ferry::onnx::ops
