// Data movement kernels, dtype-agnostic (elem_size bytes per element): Transpose, Concat,
// Gather, Slice and Pad (constant, edge, reflect). Oracle: reference/transform.h.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "core/status.h"

namespace ferry::kernels {

// y = x.transpose(perm): y.shape[i] = x.shape[perm[i]]. perm must be a permutation.
void Transpose(const void* x, const std::vector<int64_t>& x_shape, const std::vector<int>& perm,
               size_t elem_size, void* y);

// Concatenates inputs along axis; every input has the same shape except at axis.
void Concat(const std::vector<const void*>& xs, const std::vector<std::vector<int64_t>>& shapes,
            int axis, size_t elem_size, void* y);

// y = take(x, indices, axis): y.shape = x.shape[:axis] + indices_shape + x.shape[axis+1:].
// indices may be negative (counted from the end); out of range is an error.
Status Gather(const void* x, const std::vector<int64_t>& x_shape, const int64_t* indices,
              int64_t num_indices, int axis, size_t elem_size, void* y);

// Strided slice: for every dim d, y takes x indices starts[d] + i * steps[d] for
// i < y_shape[d]. starts are already clamped (numpy semantics resolved by the caller);
// steps may be negative, never zero.
void Slice(const void* x, const std::vector<int64_t>& x_shape, const std::vector<int64_t>& starts,
           const std::vector<int64_t>& steps, const std::vector<int64_t>& y_shape, size_t elem_size,
           void* y);

// Constant padding: pads = [begin_0, ..., begin_{r-1}, end_0, ..., end_{r-1}] (ONNX order;
// negative values crop). value points to one element of the dtype.
void PadConstant(const void* x, const std::vector<int64_t>& x_shape,
                 const std::vector<int64_t>& pads, const void* value, size_t elem_size, void* y);

enum class PadMode { kReflect, kEdge };

// Border padding, ONNX Pad-11 modes: kEdge repeats the outermost element, kReflect mirrors
// without repeating it (numpy 'reflect'). pads as for PadConstant but non-negative; reflect
// needs pads < dim and edge a non-empty dim wherever a pad is non-zero (the caller checks).
void PadBorder(PadMode mode, const void* x, const std::vector<int64_t>& x_shape,
               const std::vector<int64_t>& pads, size_t elem_size, void* y);

}  // namespace ferry::kernels
