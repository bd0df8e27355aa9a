// Inference batch normalisation: y = (x - mean) / sqrt(var + eps) * scale + bias per channel.
#pragma once

#include <cstdint>

#include "kernels/layout.h"

namespace ferry::kernels {

// x, y: [N, C, spatial] (kNCHW) or [N, spatial, C] (kNHWC); scale, bias, mean, var: [C].
// Also covers rank 2 ([N, C], spatial = 1) and rank 3 inputs.
template <typename T>
void BatchNormInference(Layout layout, int64_t batch, int64_t channels, int64_t spatial,
                        const T* x, const T* scale, const T* bias, const T* mean, const T* var,
                        float epsilon, T* y);

}  // namespace ferry::kernels
