// Element-wise index kernels, dtype-agnostic (elem_size bytes per element): GatherElements,
// ScatterElements (ONNX -11/13) and Trilu (ONNX-14). Oracle: reference/select.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"

namespace ferry::kernels {

// y[i0..ir] = x[i0.., indices[i0..ir], ..ir] (index replaced at axis); y and indices share
// indices_shape, which may be smaller than x's shape in every dim. Negative indices count from
// the end; out of range is an error.
Status GatherElements(const void* x, const std::vector<int64_t>& x_shape, const int64_t* indices,
                      const std::vector<int64_t>& indices_shape, int axis, size_t elem_size,
                      void* y);

// y = copy of x (the caller copies it), then y[.., indices[j], ..] = updates[j] at axis for
// every j in indices_shape. Later updates win when indices repeat.
Status ScatterElements(const int64_t* indices, const std::vector<int64_t>& indices_shape,
                       const void* updates, int axis, const std::vector<int64_t>& y_shape,
                       size_t elem_size, void* y);

// Keeps the upper (j - i >= k) or lower (j - i <= k) triangle of every trailing [rows, cols]
// matrix of x (batch matrices of rows * cols elements), zeroing the rest.
void Trilu(const void* x, int64_t batch, int64_t rows, int64_t cols, int64_t k, bool upper,
           size_t elem_size, void* y);

}  // namespace ferry::kernels
