// Memory-bound channels-last kernels that oneDNN runs slower than a plain loop: max pooling
// in NHWC and the NCHW -> NHWC transpose of a network's input. Both are exact (a max and a
// copy), so their outputs are bitwise those of oneDNN's pooling and reorder. They run on
// OpenMP threads: Debian's oneDNN uses the same libgomp pool, so no thread is added.
#pragma once

#include <cstdint>

#include "kernels/pool.h"

namespace ferry::kernels {

// Max pooling of p.layout == kNHWC data (any channel count, dilation, padding and ceil-mode
// output size, as PoolParams describes). NaN is skipped as reference::Pool2D skips it; a
// window with no input element gives -inf. Caller validates p. `simd` false runs the portable
// loop that CPUs without AVX-512 get (tests run both).
void MaxPool2DChannelsLast(const PoolParams& p, const float* x, float* y, int num_threads,
                           bool simd = true);

// x [n, c, hw] -> y [n, hw, c].
void NchwToNhwc(const float* x, float* y, int64_t n, int64_t c, int64_t hw, int num_threads);

}  // namespace ferry::kernels
