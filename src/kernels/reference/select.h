// Reference GatherElements / ScatterElements / Trilu on float: coordinates by Unravel.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/reference/indexing.h"

namespace ferry::kernels::reference {

inline void GatherElements(const float* x, const std::vector<int64_t>& x_shape,
                           const int64_t* indices, const std::vector<int64_t>& indices_shape,
                           int axis, float* y) {
  const std::vector<int64_t> st = Strides(x_shape);
  for (int64_t j = 0; j < NumElements(indices_shape); ++j) {
    std::vector<int64_t> c = Unravel(j, indices_shape);
    c[axis] = indices[j] < 0 ? indices[j] + x_shape[axis] : indices[j];
    int64_t off = 0;
    for (size_t d = 0; d < c.size(); ++d) off += c[d] * st[d];
    y[j] = x[off];
  }
}

inline void ScatterElements(const int64_t* indices, const std::vector<int64_t>& indices_shape,
                            const float* updates, int axis, const std::vector<int64_t>& y_shape,
                            float* y) {
  const std::vector<int64_t> st = Strides(y_shape);
  for (int64_t j = 0; j < NumElements(indices_shape); ++j) {
    std::vector<int64_t> c = Unravel(j, indices_shape);
    c[axis] = indices[j] < 0 ? indices[j] + y_shape[axis] : indices[j];
    int64_t off = 0;
    for (size_t d = 0; d < c.size(); ++d) off += c[d] * st[d];
    y[off] = updates[j];
  }
}

inline void Trilu(const float* x, int64_t batch, int64_t rows, int64_t cols, int64_t k,
                  bool upper, float* y) {
  for (int64_t i = 0; i < batch * rows * cols; ++i) {
    const int64_t r = (i / cols) % rows, c = i % cols;
    y[i] = (upper ? c - r >= k : c - r <= k) ? x[i] : 0.0f;
  }
}

}  // namespace ferry::kernels::reference
