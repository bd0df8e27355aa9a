// Reference data movement: each output element located from its coordinates.
#pragma once

#include <cstring>
#include <vector>

#include "kernels/reference/indexing.h"
#include "kernels/transform.h"

namespace ferry::kernels::reference {

inline void Transpose(const void* x, const std::vector<int64_t>& x_shape,
                      const std::vector<int>& perm, size_t elem_size, void* y) {
  std::vector<int64_t> y_shape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i) y_shape[i] = x_shape[perm[i]];
  const std::vector<int64_t> xs = Strides(x_shape);
  const int64_t n = NumElements(y_shape);
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> idx = Unravel(i, y_shape);
    int64_t src = 0;
    for (size_t d = 0; d < perm.size(); ++d) src += idx[d] * xs[perm[d]];
    std::memcpy(static_cast<char*>(y) + i * elem_size,
                static_cast<const char*>(x) + src * elem_size, elem_size);
  }
}

inline void Slice(const void* x, const std::vector<int64_t>& x_shape,
                  const std::vector<int64_t>& starts, const std::vector<int64_t>& steps,
                  const std::vector<int64_t>& y_shape, size_t elem_size, void* y) {
  const std::vector<int64_t> xs = Strides(x_shape);
  const int64_t n = NumElements(y_shape);
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> idx = Unravel(i, y_shape);
    int64_t src = 0;
    for (size_t d = 0; d < idx.size(); ++d) src += (starts[d] + idx[d] * steps[d]) * xs[d];
    std::memcpy(static_cast<char*>(y) + i * elem_size,
                static_cast<const char*>(x) + src * elem_size, elem_size);
  }
}

inline void PadConstant(const void* x, const std::vector<int64_t>& x_shape,
                        const std::vector<int64_t>& pads, const void* value, size_t elem_size,
                        void* y) {
  const size_t r = x_shape.size();
  std::vector<int64_t> y_shape(r);
  for (size_t d = 0; d < r; ++d) y_shape[d] = x_shape[d] + pads[d] + pads[d + r];
  const std::vector<int64_t> xs = Strides(x_shape);
  const int64_t n = NumElements(y_shape);
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> idx = Unravel(i, y_shape);
    int64_t src = 0;
    bool inside = true;
    for (size_t d = 0; d < r; ++d) {
      const int64_t c = idx[d] - pads[d];
      if (c < 0 || c >= x_shape[d]) inside = false;
      src += c * xs[d];
    }
    std::memcpy(static_cast<char*>(y) + i * elem_size,
                inside ? static_cast<const char*>(x) + src * elem_size : value, elem_size);
  }
}

// Edge and reflect padding by the definition: reflect mirrors about the first and last
// element (x[1], x[0], x[1], ... at the start), edge clamps to them.
inline void PadBorder(PadMode mode, const void* x, const std::vector<int64_t>& x_shape,
                      const std::vector<int64_t>& pads, size_t elem_size, void* y) {
  const size_t r = x_shape.size();
  std::vector<int64_t> y_shape(r);
  for (size_t d = 0; d < r; ++d) y_shape[d] = x_shape[d] + pads[d] + pads[d + r];
  const std::vector<int64_t> xs = Strides(x_shape);
  const int64_t n = NumElements(y_shape);
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> idx = Unravel(i, y_shape);
    int64_t src = 0;
    for (size_t d = 0; d < r; ++d) {
      int64_t c = idx[d] - pads[d];
      while (c < 0 || c >= x_shape[d]) {  // reflect step by step; edge clamps
        if (mode == PadMode::kEdge || x_shape[d] == 1) {
          c = c < 0 ? 0 : x_shape[d] - 1;
        } else {
          c = c < 0 ? -c : 2 * (x_shape[d] - 1) - c;
        }
      }
      src += c * xs[d];
    }
    std::memcpy(static_cast<char*>(y) + i * elem_size,
                static_cast<const char*>(x) + src * elem_size, elem_size);
  }
}

}  // namespace ferry::kernels::reference
