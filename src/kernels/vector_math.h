// exp over float vectors, and softmax over contiguous float rows, in AVX-512 where the CPU
// has it (checked at run time). glibc's expf is a scalar call per element: a transformer's
// attention softmax (4 heads x 32 x 32) spent 32 us in it, against 1-2 us here.
//
// The AVX-512 exp: e^x = 2^k * e^r with k = round(x / ln 2) and r = x - k ln 2 (ln 2 in two
// parts), e^r by its degree-7 Taylor polynomial (|r| <= ln2 / 2, truncation < 1e-8
// relative), 2^k applied by vscalefps, which handles overflow to inf and gradual underflow.
// Within 2 ulp of glibc's expf on [-87, 88] (tests/unit/kernels/vector_math_test.cc);
// exp(-inf) = 0, exp(+inf) = inf, NaN stays NaN.
#pragma once

#include <cstdint>

namespace ferry::kernels {

// y[i] = exp(x[i]); y may be x.
void VectorExp(const float* x, float* y, int64_t n);

// Softmax (or log-softmax) of each of `rows` rows of n contiguous floats: y = exp(x - max) /
// sum, the sum accumulated 16 lanes wide. NaN in a row makes the row NaN, as in
// reference::Softmax. Returns false, writing nothing, where the CPU lacks AVX-512.
bool SoftmaxRows(const float* x, int64_t rows, int64_t n, bool log, float* y);

}  // namespace ferry::kernels
