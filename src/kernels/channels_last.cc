// Compiled with OpenMP (CMakeLists.txt); the AVX-512 paths are chosen at run time.
#include "kernels/channels_last.h"

#include <algorithm>
#include <limits>

#include "kernels/simd.h"

namespace ferry::kernels {
namespace {

// One output pixel: the max over its window of `c` channels. Windows are clipped to the
// input beforehand ([h0, h1) x [w0, w1) in dilated steps).
struct Window {
  int64_t h0, h1, w0, w1, dh, dw;
};

void MaxPixelGeneric(const float* x, int64_t row_stride, int64_t c, const Window& win, float* out) {
  for (int64_t ch = 0; ch < c; ++ch) out[ch] = -std::numeric_limits<float>::infinity();
  for (int64_t h = win.h0; h < win.h1; h += win.dh)
    for (int64_t w = win.w0; w < win.w1; w += win.dw) {
      const float* p = x + h * row_stride + w * c;
      for (int64_t ch = 0; ch < c; ++ch) out[ch] = std::max(out[ch], p[ch]);  // NaN skipped
    }
}

// _mm512_max_ps(v, m) returns m when either is NaN, as std::max(m, v) does.
FERRY_AVX512 void MaxPixelAvx512(const float* x, int64_t row_stride, int64_t c,
                                 const Window& win, float* out) {
  const __m512 lowest = _mm512_set1_ps(-std::numeric_limits<float>::infinity());
  int64_t ch = 0;
  for (; ch + 64 <= c; ch += 64) {
    __m512 m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest;
    for (int64_t h = win.h0; h < win.h1; h += win.dh)
      for (int64_t w = win.w0; w < win.w1; w += win.dw) {
        const float* p = x + h * row_stride + w * c + ch;
        m0 = _mm512_max_ps(_mm512_loadu_ps(p), m0);
        m1 = _mm512_max_ps(_mm512_loadu_ps(p + 16), m1);
        m2 = _mm512_max_ps(_mm512_loadu_ps(p + 32), m2);
        m3 = _mm512_max_ps(_mm512_loadu_ps(p + 48), m3);
      }
    _mm512_storeu_ps(out + ch, m0);
    _mm512_storeu_ps(out + ch + 16, m1);
    _mm512_storeu_ps(out + ch + 32, m2);
    _mm512_storeu_ps(out + ch + 48, m3);
  }
  for (; ch < c; ch += 16) {
    const __mmask16 k = c - ch >= 16 ? __mmask16(0xffff) : __mmask16((1u << (c - ch)) - 1);
    __m512 m = lowest;
    for (int64_t h = win.h0; h < win.h1; h += win.dh)
      for (int64_t w = win.w0; w < win.w1; w += win.dw)
        m = _mm512_max_ps(_mm512_maskz_loadu_ps(k, x + h * row_stride + w * c + ch), m);
    _mm512_mask_storeu_ps(out + ch, k, m);
  }
}

// The first index i >= 0 with begin + i * step >= 0, as a position, and the end clipped to
// `limit`: a window's taps inside [0, limit).
void Clip(int64_t begin, int64_t kernel, int64_t step, int64_t limit, int64_t* lo, int64_t* hi) {
  int64_t first = begin;
  if (first < 0) first += (-first + step - 1) / step * step;
  int64_t end = begin + kernel * step;  // one past the last tap, in steps of `step`
  if (end > limit) end = limit;
  *lo = first;
  *hi = std::max(first, end);
}

}  // namespace

void MaxPool2DChannelsLast(const PoolParams& p, const float* x, float* y, int num_threads,
                           bool simd) {
  const int64_t c = p.channels, oh = p.out_h, ow = p.out_w, rows = p.batch * oh;
  const int64_t row_stride = p.in_w * c;
  const bool avx512 = simd && HasAvx512();
#pragma omp parallel for num_threads(std::max(1, num_threads)) schedule(static)
  for (int64_t r = 0; r < rows; ++r) {
    const int64_t n = r / oh, i = r % oh;
    const float* xn = x + n * p.in_h * row_stride;
    Window win{0, 0, 0, 0, p.dilation_h, p.dilation_w};
    Clip(i * p.stride_h - p.pad_top, p.kernel_h, p.dilation_h, p.in_h, &win.h0, &win.h1);
    for (int64_t j = 0; j < ow; ++j) {
      Clip(j * p.stride_w - p.pad_left, p.kernel_w, p.dilation_w, p.in_w, &win.w0, &win.w1);
      float* out = y + (r * ow + j) * c;
      if (avx512)
        MaxPixelAvx512(xn, row_stride, c, win, out);
      else
        MaxPixelGeneric(xn, row_stride, c, win, out);
    }
  }
}

void NchwToNhwc(const float* x, float* y, int64_t n, int64_t c, int64_t hw, int num_threads) {
  // Blocks of 256 pixels: each thread reads c short runs and writes one contiguous block.
  constexpr int64_t kBlock = 256;
  const int64_t blocks = (hw + kBlock - 1) / kBlock;
#pragma omp parallel for num_threads(std::max(1, num_threads)) schedule(static)
  for (int64_t t = 0; t < n * blocks; ++t) {
    const int64_t b = t / blocks, s0 = t % blocks * kBlock, s1 = std::min(hw, s0 + kBlock);
    const float* in = x + b * c * hw;
    float* out = y + b * hw * c;
    if (c == 3) {  // images: the common case, unrolled
      const float *r = in + s0, *g = r + hw, *bl = g + hw;
      float* o = out + s0 * 3;
      for (int64_t s = 0; s < s1 - s0; ++s) {
        o[3 * s] = r[s];
        o[3 * s + 1] = g[s];
        o[3 * s + 2] = bl[s];
      }
      continue;
    }
    for (int64_t s = s0; s < s1; ++s)
      for (int64_t ch = 0; ch < c; ++ch) out[s * c + ch] = in[ch * hw + s];
  }
}

}  // namespace ferry::kernels
