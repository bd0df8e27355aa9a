#include "kernels/vector_math.h"

#include <cmath>
#include <limits>

#include "kernels/simd.h"

namespace ferry::kernels {
namespace {

FERRY_AVX512 inline __m512 Exp16(__m512 x) {
  // Past these bounds exp is 0 or inf in float; clamping keeps r finite for +-inf. The
  // bound goes first so that NaN (returned from the second operand) passes through.
  x = _mm512_max_ps(_mm512_set1_ps(-104.0f), x);
  x = _mm512_min_ps(_mm512_set1_ps(100.0f), x);
  const __m512 k = _mm512_roundscale_ps(_mm512_mul_ps(x, _mm512_set1_ps(1.44269504088896341f)),
                                        _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
  __m512 r = _mm512_fnmadd_ps(k, _mm512_set1_ps(0.693145751953125f), x);  // ln2, high bits
  r = _mm512_fnmadd_ps(k, _mm512_set1_ps(1.428606765330187045e-06f), r);  // ln2, the rest
  __m512 p = _mm512_set1_ps(1.0f / 5040);
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 720));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 120));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 24));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f / 6));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(0.5f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  p = _mm512_fmadd_ps(p, r, _mm512_set1_ps(1.0f));
  return _mm512_scalef_ps(p, k);
}

FERRY_AVX512 inline __mmask16 TailMask(int64_t left) {
  return left >= 16 ? __mmask16(0xffff) : __mmask16((1u << left) - 1);
}

FERRY_AVX512 void VectorExpAvx512(const float* x, float* y, int64_t n) {
  for (int64_t i = 0; i < n; i += 16) {
    const __mmask16 m = TailMask(n - i);
    _mm512_mask_storeu_ps(y + i, m, Exp16(_mm512_maskz_loadu_ps(m, x + i)));
  }
}

FERRY_AVX512 void SoftmaxRowsAvx512(const float* x, int64_t rows, int64_t n, bool log,
                                    float* y) {
  const float kLowest = -std::numeric_limits<float>::infinity();
  for (int64_t row = 0; row < rows; ++row) {
    const float* xr = x + row * n;
    float* yr = y + row * n;
    // The max skips NaN as std::max(mx, v) does; a NaN element then turns exp(x - max), the
    // sum and so the whole row into NaN.
    __m512 mx = _mm512_set1_ps(kLowest);
    for (int64_t i = 0; i < n; i += 16) {
      const __mmask16 m = TailMask(n - i);
      mx = _mm512_max_ps(_mm512_mask_loadu_ps(_mm512_set1_ps(kLowest), m, xr + i), mx);
    }
    const float max_value = _mm512_reduce_max_ps(mx);
    const __m512 row_max = _mm512_set1_ps(max_value);
    __m512 sum = _mm512_setzero_ps();
    for (int64_t i = 0; i < n; i += 16) {
      const __mmask16 m = TailMask(n - i);
      const __m512 e = Exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(m, xr + i), row_max));
      sum = _mm512_add_ps(sum, _mm512_maskz_mov_ps(m, e));
      if (!log) _mm512_mask_storeu_ps(yr + i, m, e);
    }
    const float total = _mm512_reduce_add_ps(sum);
    if (log) {
      const __m512 shift = _mm512_set1_ps(max_value + std::log(total));
      for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = TailMask(n - i);
        _mm512_mask_storeu_ps(yr + i, m, _mm512_sub_ps(_mm512_maskz_loadu_ps(m, xr + i), shift));
      }
    } else {
      const __m512 inv = _mm512_set1_ps(1.0f / total);
      for (int64_t i = 0; i < n; i += 16) {
        const __mmask16 m = TailMask(n - i);
        _mm512_mask_storeu_ps(yr + i, m, _mm512_mul_ps(_mm512_maskz_loadu_ps(m, yr + i), inv));
      }
    }
  }
}

}  // namespace

void VectorExp(const float* x, float* y, int64_t n) {
  if (HasAvx512()) {
    VectorExpAvx512(x, y, n);
    return;
  }
  for (int64_t i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}

bool SoftmaxRows(const float* x, int64_t rows, int64_t n, bool log, float* y) {
  if (!HasAvx512()) return false;
  SoftmaxRowsAvx512(x, rows, n, log, y);
  return true;
}

}  // namespace ferry::kernels
