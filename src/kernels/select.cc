// GatherElements/ScatterElements walk the indices tensor in memory order with an odometer,
// so the x/y offset of the non-axis coordinates updates incrementally.
#include "kernels/select.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace ferry::kernels {
namespace {

std::vector<int64_t> RowMajorStrides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

// Calls f(j, base, index) for every element j of indices, where base is the offset in the
// data tensor (shape data_shape) of j's coordinates with the axis coordinate zeroed.
template <typename F>
Status ForEachIndex(const int64_t* indices, const std::vector<int64_t>& indices_shape,
                    const std::vector<int64_t>& data_shape, int axis, F f) {
  const int r = static_cast<int>(indices_shape.size());
  const std::vector<int64_t> st = RowMajorStrides(data_shape);
  int64_t n = 1;
  for (int64_t d : indices_shape) n *= d;
  std::vector<int64_t> idx(r, 0);
  int64_t base = 0;
  const int64_t axis_dim = data_shape[axis];
  for (int64_t j = 0; j < n; ++j) {
    int64_t v = indices[j];
    if (v < 0) v += axis_dim;
    if (v < 0 || v >= axis_dim)
      return InvalidArgument("index " + std::to_string(indices[j]) + " is out of range for axis " +
                             std::to_string(axis) + " of size " + std::to_string(axis_dim));
    f(j, base + v * st[axis]);
    for (int d = r - 1; d >= 0; --d) {
      if (d != axis) base += st[d];
      if (++idx[d] < indices_shape[d]) break;
      if (d != axis) base -= st[d] * indices_shape[d];
      idx[d] = 0;
    }
  }
  return Status::Ok();
}

}  // namespace

Status GatherElements(const void* x, const std::vector<int64_t>& x_shape, const int64_t* indices,
                      const std::vector<int64_t>& indices_shape, int axis, size_t elem_size,
                      void* y) {
  const char* xp = static_cast<const char*>(x);
  char* yp = static_cast<char*>(y);
  return ForEachIndex(indices, indices_shape, x_shape, axis, [&](int64_t j, int64_t off) {
    std::memcpy(yp + j * elem_size, xp + off * elem_size, elem_size);
  });
}

Status ScatterElements(const int64_t* indices, const std::vector<int64_t>& indices_shape,
                       const void* updates, int axis, const std::vector<int64_t>& y_shape,
                       size_t elem_size, void* y) {
  const char* up = static_cast<const char*>(updates);
  char* yp = static_cast<char*>(y);
  return ForEachIndex(indices, indices_shape, y_shape, axis, [&](int64_t j, int64_t off) {
    std::memcpy(yp + off * elem_size, up + j * elem_size, elem_size);
  });
}

void Trilu(const void* x, int64_t batch, int64_t rows, int64_t cols, int64_t k, bool upper,
           size_t elem_size, void* y) {
  const char* xp = static_cast<const char*>(x);
  char* yp = static_cast<char*>(y);
  const size_t row_bytes = cols * elem_size;
  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t i = 0; i < rows; ++i) {
      const size_t off = (b * rows + i) * row_bytes;
      std::memset(yp + off, 0, row_bytes);
      // Kept columns: upper j >= i + k, lower j <= i + k.
      const int64_t lo = upper ? std::max<int64_t>(0, i + k) : 0;
      const int64_t hi = upper ? cols : std::min<int64_t>(cols, i + k + 1);
      if (hi > lo) std::memcpy(yp + off + lo * elem_size, xp + off + lo * elem_size,
                               (hi - lo) * elem_size);
    }
  }
}

namespace {

// Flat offset (in slices) of the k-tuple idx within dims; -1 when out of range.
int64_t TupleOffset(const int64_t* idx, const std::vector<int64_t>& dims) {
  int64_t off = 0;
  for (size_t d = 0; d < dims.size(); ++d) {
    int64_t v = idx[d] < 0 ? idx[d] + dims[d] : idx[d];
    if (v < 0 || v >= dims[d]) return -1;
    off = off * dims[d] + v;
  }
  return off;
}

}  // namespace

Status GatherND(const void* data, int64_t batches, const std::vector<int64_t>& data_dims,
                const int64_t* indices, int64_t tuples, int64_t slice, size_t elem_size, void* y) {
  const int64_t k = static_cast<int64_t>(data_dims.size());
  int64_t per_batch = slice;
  for (int64_t d : data_dims) per_batch *= d;
  const char* dp = static_cast<const char*>(data);
  char* yp = static_cast<char*>(y);
  const size_t bytes = slice * elem_size;
  for (int64_t b = 0; b < batches; ++b)
    for (int64_t t = 0; t < tuples; ++t) {
      const int64_t off = TupleOffset(indices + (b * tuples + t) * k, data_dims);
      if (off < 0) return InvalidArgument("index tuple " + std::to_string(t) + " is out of range");
      std::memcpy(yp + (b * tuples + t) * bytes, dp + (b * per_batch + off * slice) * elem_size,
                  bytes);
    }
  return Status::Ok();
}

template <typename T>
Status ScatterND(const int64_t* indices, int64_t tuples, const std::vector<int64_t>& y_dims,
                 const T* updates, int64_t slice, ScatterReduction reduction, T* y) {
  const int64_t k = static_cast<int64_t>(y_dims.size());
  for (int64_t t = 0; t < tuples; ++t) {
    const int64_t off = TupleOffset(indices + t * k, y_dims);
    if (off < 0) return InvalidArgument("index tuple " + std::to_string(t) + " is out of range");
    T* dst = y + off * slice;
    const T* src = updates + t * slice;
    for (int64_t i = 0; i < slice; ++i) {
      if (reduction == ScatterReduction::kAdd)
        dst[i] = static_cast<T>(dst[i] + src[i]);
      else if (reduction == ScatterReduction::kMul)
        dst[i] = static_cast<T>(dst[i] * src[i]);
      else
        dst[i] = src[i];
    }
  }
  return Status::Ok();
}

int64_t Compress(const void* x, int64_t outer, int64_t n, int64_t inner, const bool* condition,
                 int64_t cond_len, size_t elem_size, void* y) {
  const char* xp = static_cast<const char*>(x);
  char* yp = static_cast<char*>(y);
  int64_t kept = 0;
  for (int64_t i = 0; i < cond_len && i < n; ++i) kept += condition[i] ? 1 : 0;
  const size_t bytes = inner * elem_size;
  int64_t w = 0;
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < cond_len && i < n; ++i)
      if (condition[i]) std::memcpy(yp + (w++) * bytes, xp + (o * n + i) * bytes, bytes);
  return kept;
}

#define FERRY_INSTANTIATE_SCATTER_ND(T)                                                         \
  template Status ScatterND<T>(const int64_t*, int64_t, const std::vector<int64_t>&, const T*, \
                               int64_t, ScatterReduction, T*);
FERRY_INSTANTIATE_SCATTER_ND(float)
FERRY_INSTANTIATE_SCATTER_ND(double)
FERRY_INSTANTIATE_SCATTER_ND(int8_t)
FERRY_INSTANTIATE_SCATTER_ND(int16_t)
FERRY_INSTANTIATE_SCATTER_ND(int32_t)
FERRY_INSTANTIATE_SCATTER_ND(int64_t)
FERRY_INSTANTIATE_SCATTER_ND(uint8_t)
FERRY_INSTANTIATE_SCATTER_ND(uint16_t)
FERRY_INSTANTIATE_SCATTER_ND(uint32_t)
FERRY_INSTANTIATE_SCATTER_ND(uint64_t)
FERRY_INSTANTIATE_SCATTER_ND(bool)

}  // namespace ferry::kernels
