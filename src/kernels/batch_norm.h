// Normalisations: inference batch normalisation (y = (x - mean) / sqrt(var + eps) * scale +
// bias per channel) and layer normalisation (statistics over the trailing block).
#pragma once

#include <cstdint>

#include "kernels/layout.h"

namespace ferry::kernels {

// x, y: [N, C, spatial] (kNCHW) or [N, spatial, C] (kNHWC); scale, bias, mean, var: [C].
// Also covers rank 2 ([N, C], spatial = 1) and rank 3 inputs.
template <typename T>
void BatchNormInference(Layout layout, int64_t batch, int64_t channels, int64_t spatial, const T* x,
                        const T* scale, const T* bias, const T* mean, const T* var, float epsilon,
                        T* y);

// Layer normalisation over rows: x, y are [outer, inner]; each row is normalised by its own
// mean and variance (biased, as ONNX LayerNormalization-17), then y = norm * scale + bias with
// scale and bias of `inner` elements (bias may be nullptr). mean and inv_std_dev, when not
// nullptr, receive the [outer] row statistics. Computed in double.
template <typename T>
void LayerNorm(const T* x, int64_t outer, int64_t inner, const T* scale, const T* bias,
               float epsilon, T* y, T* mean, T* inv_std_dev);

// torch.onnx's decomposed LayerNorm (ReduceMean, Sub, Pow 2, ReduceMean, Add eps, Sqrt,
// Div, Mul scale, Add bias over the last axis of x [outer, inner]) in one pass per row,
// rounding to float after each step as the separate ONNX ops do (means accumulated in
// double as kernels::Reduce does), so the result equals theirs bitwise. scale and bias have
// `inner` elements or 1 (broadcast), or are nullptr.
void LayerNormSteps(const float* x, int64_t outer, int64_t inner, const float* scale,
                    int64_t scale_size, const float* bias, int64_t bias_size, float epsilon,
                    float* y);

}  // namespace ferry::kernels
