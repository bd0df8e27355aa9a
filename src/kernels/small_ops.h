// Plain-loop kernels for less common ONNX ops: Hardmax, CumSum, TopK, OneHot, instance
// normalisation and linear (de)quantisation. Tensors are viewed as [outer, n, inner] around
// the op's axis. Each follows its ONNX operator spec formula directly, so it is its own
// reference; the op tests check them against hand computations.
#pragma once

#include <cstdint>

namespace ferry::kernels {

// y = 1 at the first maximum along the axis, 0 elsewhere (ONNX Hardmax-13).
template <typename T>
void Hardmax(const T* x, int64_t outer, int64_t n, int64_t inner, T* y);

// Running sum along the axis; exclusive leaves out the current element, reverse runs from
// the end (ONNX CumSum-14).
template <typename T>
void CumSum(const T* x, int64_t outer, int64_t n, int64_t inner, bool exclusive, bool reverse,
            T* y);

// The k largest (or smallest) values along the axis and their indices, sorted; equal values
// keep the lower index first (ONNX TopK-11). y and indices are [outer, k, inner].
template <typename T>
void TopK(const T* x, int64_t outer, int64_t n, int64_t inner, int64_t k, bool largest, T* y,
          int64_t* indices);

// y[c, s] = (x[c, s] - mean_c) / sqrt(var_c + epsilon) * scale[c % channels] + bias[...] over
// `planes` = N * C planes of `spatial` elements (ONNX InstanceNormalization-6).
template <typename T>
void InstanceNorm(const T* x, int64_t planes, int64_t channels, int64_t spatial, const T* scale,
                  const T* bias, float epsilon, T* y);

// y = saturate(round_half_even(x / scale) + zero_point) to Q's range; scale and zero_point
// per slice of the axis (n values) or one (n = 1 broadcast by the caller with inner = all).
template <typename Q>
void QuantizeLinear(const float* x, int64_t outer, int64_t n, int64_t inner, const float* scale,
                    const Q* zero_point, Q* y);

// y = (x - zero_point) * scale, per slice of the axis as for QuantizeLinear.
template <typename Q>
void DequantizeLinear(const Q* x, int64_t outer, int64_t n, int64_t inner, const float* scale,
                      const Q* zero_point, float* y);

}  // namespace ferry::kernels
