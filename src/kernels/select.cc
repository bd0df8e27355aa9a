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

}  // namespace ferry::kernels
