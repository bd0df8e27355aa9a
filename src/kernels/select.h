// Index kernels, mostly dtype-agnostic (elem_size bytes per element): GatherElements,
// ScatterElements (ONNX -11/13), Trilu (ONNX-14), GatherND/ScatterND (ONNX-13/16), Compress
// and ReverseSequence. Oracle for the first three: reference/select.h.
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

// GatherND with batch_dims folded by the caller: for every batch b < batches and tuple t <
// tuples, copies the slice of `slice` elements at data[b][indices[b, t, 0..k)] to
// y[b, t]. data_dims are the k indexed dims (after the batch dims). Negative indices count
// from the end; out of range is an error.
Status GatherND(const void* data, int64_t batches, const std::vector<int64_t>& data_dims,
                const int64_t* indices, int64_t tuples, int64_t slice, size_t elem_size, void* y);

enum class ScatterReduction { kNone, kAdd, kMul };

// ScatterND into y (a copy of data made by the caller): y[indices[t, 0..k)] (a slice of
// `slice` elements) = updates[t] (or += / *= with the reduction), t < tuples.
template <typename T>
Status ScatterND(const int64_t* indices, int64_t tuples, const std::vector<int64_t>& y_dims,
                 const T* updates, int64_t slice, ScatterReduction reduction, T* y);

// Keeps the slices [outer, i, inner] of x whose condition[i] is true (i < cond_len <= n),
// writing them contiguously to y; returns how many were kept.
int64_t Compress(const void* x, int64_t outer, int64_t n, int64_t inner, const bool* condition,
                 int64_t cond_len, size_t elem_size, void* y);

}  // namespace ferry::kernels
