// Helpers shared by the TF op classes: attribute reading with TF's names and kinds,
// NumPy-style broadcasting, and the output-size arithmetic of TF's windowed ops.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "runtime/op.h"

namespace ferry::tf::ops {

// Reads a list-of-ints attribute; error names the node when it is missing or of the
// wrong kind and `required`.
StatusOr<std::vector<int64_t>> IntsAttr(const runtime::NodeInfo& info, const std::string& name,
                                        bool required, std::vector<int64_t> def = {});
StatusOr<std::string> StringAttr(const runtime::NodeInfo& info, const std::string& name,
                                 bool required, std::string def = {});
bool BoolAttr(const runtime::NodeInfo& info, const std::string& name, bool def);
// Checks data_format is absent or "NHWC": ferry's TF ops run NHWC only, as TF's CPU kernels.
Status RequireNhwc(const runtime::NodeInfo& info);

// The window attributes of TF's pooling ops (MaxPool, AvgPool, MaxPoolWithArgmax, *Pool3D):
// ksize and strides of `rank` entries that leave the batch and depth dims alone, and SAME or
// VALID padding. Errors name the node.
struct PoolWindowAttrs {
  std::vector<int64_t> ksize, strides;
  std::string padding;
  Status Read(const runtime::NodeInfo& info, size_t rank);
};

// Broadcast shape of a and b (NumPy/TF rules); error names the op.
StatusOr<Shape> BroadcastShape(const Shape& a, const Shape& b, const runtime::OpContext& ctx);
// Strides of `in` seen through the broadcast to `out` (0 on broadcast dims).
std::vector<int64_t> BroadcastStrides(const Shape& in, const Shape& out);

// One spatial dim of a TF windowed op (Conv2D, MaxPool, ...): output size and the padding
// before it. TF's SAME puts the odd padding element after (tensorflow/core/framework/
// kernel_shape_util.cc, GetWindowedOutputSizeVerbose).
struct Window {
  int64_t out = 0;
  int64_t pad_before = 0;
};
StatusOr<Window> ComputeWindow(int64_t in, int64_t k, int64_t stride, int64_t dilation,
                               const std::string& padding, int64_t explicit_before,
                               int64_t explicit_after);

// Calls f(T{}) with T the C++ element type of `t` (float32/64, int8..64, uint8..64, and bool
// when `with_bool`); returns false, calling nothing, for any other dtype.
template <typename F>
bool VisitNumeric(DataType t, F&& f, bool with_bool = false) {
  switch (t) {
    case DataType::kFloat32: f(float{}); return true;
    case DataType::kFloat64: f(double{}); return true;
    case DataType::kInt8: f(int8_t{}); return true;
    case DataType::kInt16: f(int16_t{}); return true;
    case DataType::kInt32: f(int32_t{}); return true;
    case DataType::kInt64: f(int64_t{}); return true;
    case DataType::kUInt8: f(uint8_t{}); return true;
    case DataType::kUInt16: f(uint16_t{}); return true;
    case DataType::kUInt32: f(uint32_t{}); return true;
    case DataType::kUInt64: f(uint64_t{}); return true;
    case DataType::kBool:
      if (!with_bool) return false;
      f(bool{});
      return true;
    default: return false;
  }
}

// Applies f(a, b) elementwise over the broadcast of two float tensors into out.
template <typename T, typename F>
void BroadcastBinary(const Tensor& a, const Tensor& b, Tensor* out, F f) {
  const int64_t n = out->NumElements();
  const T* pa = a.data<T>();
  const T* pb = b.data<T>();
  T* po = out->data<T>();
  if (a.shape() == out->shape() && b.shape() == out->shape()) {
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], pb[i]);
    return;
  }
  if (a.shape() == out->shape() && b.NumElements() == 1) {
    const T s = pb[0];
    for (int64_t i = 0; i < n; ++i) po[i] = f(pa[i], s);
    return;
  }
  // Trailing-axis broadcast (a bias over NHWC channels): b's elements repeat every inner.
  const int64_t nb = b.NumElements();
  if (a.shape() == out->shape() && nb > 0 && b.rank() >= 1 && out->rank() >= b.rank()) {
    bool trailing = true;
    for (int i = 0; i < b.rank(); ++i) trailing &= b.dim(i) == out->dim(out->rank() - b.rank() + i);
    if (trailing) {
      for (int64_t i = 0; i < n; i += nb)
        for (int64_t j = 0; j < nb; ++j) po[i + j] = f(pa[i + j], pb[j]);
      return;
    }
  }
  const Shape& os = out->shape();
  const int r = os.rank();
  std::vector<int64_t> sa = BroadcastStrides(a.shape(), os), sb = BroadcastStrides(b.shape(), os);
  std::vector<int64_t> idx(r, 0);
  int64_t ia = 0, ib = 0;
  for (int64_t i = 0; i < n; ++i) {
    po[i] = f(pa[ia], pb[ib]);
    for (int d = r - 1; d >= 0; --d) {
      ++idx[d];
      ia += sa[d];
      ib += sb[d];
      if (idx[d] < os[d]) break;
      ia -= sa[d] * os[d];
      ib -= sb[d] * os[d];
      idx[d] = 0;
    }
  }
}

}  // namespace ferry::tf::ops
