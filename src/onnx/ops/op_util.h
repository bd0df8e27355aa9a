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
#include "runtime/value.h"

namespace ferry::onnx::ops {

using runtime::NodeInfo;
using runtime::Op;
using runtime::OpContext;
using runtime::OpSet;
using runtime::Value;

// Input i, or an error "<op> '<node>': input i (<name>) is missing" when it is required.
StatusOr<const Tensor*> RequiredInput(const OpContext& ctx, int i);
// Error unless input i has the given rank (name it in the message).
Status CheckRank(const OpContext& ctx, int i, int rank);
// Error unless input i's dtype is one of `allowed`.
Status CheckDtype(const OpContext& ctx, int i, std::initializer_list<DataType> allowed);
// Error unless inputs i and j have the same dtype.
Status CheckSameDtype(const OpContext& ctx, int i, int j);

// Input i as a sequence; an error naming the node when it is missing or of another kind.
StatusOr<const Value*> SequenceInput(const OpContext& ctx, int i);
// The graph attribute `name`; an error naming the node when it is absent or not a graph.
StatusOr<const ir::Graph*> GraphAttr(const NodeInfo& info, const std::string& name);

// Elements [start, start + len) of `t` along `axis` (the axis stays, with size len).
Tensor NarrowAxis(const Tensor& t, int axis, int64_t start, int64_t len);
// Element `index` of `t` along `axis`, with the axis removed (Scan's per-step slices).
Tensor TakeAlongAxis(const Tensor& t, int axis, int64_t index);
// Joins `parts` (one dtype, equal shapes except at `axis`) along `axis`; with new_axis every
// part must have the same shape and gains a dim of 1 at `axis` first (numpy.stack). `axis`
// is already normalized (0 <= axis <= rank, < rank without new_axis). `what` names the
// caller for errors. parts must not be empty.
StatusOr<Tensor> JoinTensors(const std::vector<Tensor>& parts, int axis, bool new_axis,
                             const std::string& what);

// float16 and bfloat16: ops without half kernels compute in float32 and round once at the end
// (what numpy does for float16 arithmetic), through these.
bool IsHalf(DataType dt);
// A float32 copy of a float16/bfloat16 tensor.
Tensor HalfToFloat32(const Tensor& t);
// `t` (float32) rounded to `half` (kFloat16 or kBFloat16), nearest even.
Tensor Float32ToHalf(const Tensor& t, DataType half);

// Int64 values of a shape-like input (int32 or int64), e.g. Reshape's shape, Slice's starts.
StatusOr<std::vector<int64_t>> IntValues(const OpContext& ctx, int i);

// Calls f(T{}) with T the C++ type of dtype, for the family kTypes; an error naming the
// op otherwise. f returns Status. Only the family's types are instantiated.
// kFloat: float32/64; kNumeric: also every integer type; kAll: also bool.
enum class Types { kFloat, kNumeric, kAll };
template <Types kTypes, typename F>
Status Dispatch(const OpContext& ctx, DataType dt, F&& f) {
  switch (dt) {
    case DataType::kFloat32:
      return f(float{});
    case DataType::kFloat64:
      return f(double{});
    default:
      break;
  }
  if constexpr (kTypes != Types::kFloat) {
    switch (dt) {
      case DataType::kInt32:
        return f(int32_t{});
      case DataType::kInt64:
        return f(int64_t{});
      case DataType::kInt8:
        return f(int8_t{});
      case DataType::kInt16:
        return f(int16_t{});
      case DataType::kUInt8:
        return f(uint8_t{});
      case DataType::kUInt16:
        return f(uint16_t{});
      case DataType::kUInt32:
        return f(uint32_t{});
      case DataType::kUInt64:
        return f(uint64_t{});
      default:
        break;
    }
  }
  if constexpr (kTypes == Types::kAll) {
    if (dt == DataType::kBool) return f(bool{});
  }
  return Unimplemented(ctx.node().Describe() + ": dtype " + DataTypeName(dt) + " is not supported");
}

// Conv/pool spatial attributes (ONNX Conv-11 / MaxPool-12 / AveragePool-11) for 1-D or 2-D
// data, validated in the constructor. 1-D runs as 2-D with a height of 1 (To2D); auto_pad is
// resolved against the input size at run time.
struct SpatialAttrs {
  std::vector<int64_t> kernel;     // kernel_shape (may be empty for Conv: from weights)
  std::vector<int64_t> strides;    // empty: 1
  std::vector<int64_t> dilations;  // empty: 1
  std::vector<int64_t> pads;       // [begin..., end...]; empty: 0
  std::string auto_pad = "NOTSET";
  bool ceil_mode = false;

  // Reads and checks the attributes; errors name the node and attribute. More than
  // max_spatial spatial dims is kUnimplemented (the N-D direct kernels take up to 3).
  static StatusOr<SpatialAttrs> Read(const NodeInfo& info, bool kernel_required,
                                     size_t max_spatial = 2);
  // The same attributes for `spatial` (1 or 2) spatial dims as 2-D ones: every list filled
  // to 2 values (pads to [top, left, bottom, right]), 1-D placed in the W dim.
  StatusOr<SpatialAttrs> To2D(int spatial) const;
  // [pad_begin, pad_end] along dim d (0 = H, 1 = W) of a 2-D SpatialAttrs, from auto_pad
  // (SAME_UPPER/SAME_LOWER/VALID) or the explicit pads.
  std::pair<int64_t, int64_t> Pads(int d, int64_t in, int64_t kernel) const;
};

}  // namespace ferry::onnx::ops
