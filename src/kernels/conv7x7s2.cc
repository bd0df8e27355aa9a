// Compiled with OpenMP (CMakeLists.txt), like conv3x3.cc.
#include "kernels/conv7x7s2.h"

#include <algorithm>

#include "kernels/simd.h"

namespace ferry::kernels {
namespace {

constexpr int kBlock = PackedConvWeights::kBlock;  // output channels per tile: 2 zmm
constexpr int kTile = 14;   // output pixels per tile

struct RowArgs {
  const float* x;     // the image, NCHW
  const float* w;     // the 32-channel block: [c][7][7][32]
  const float* bias;  // 32 values
  float* y;           // output row oh at the block's first channel
  int64_t in_h, in_w, c, k, oh;
  int kh0, kh1;  // the kernel rows inside the image
  bool relu;
};

// vbroadcastss, opaque to the compiler: with plain loads GCC notices that pixel p at tap
// kw + 2 reads what pixel p + 1 read at tap kw, and keeps those broadcasts on the stack,
// which is slower than loading them again from L1.
FERRY_AVX512 inline __m512 Broadcast(const float* f) {
  __m512 v;
  asm volatile("vbroadcastss %1, %0" : "=v"(v) : "m"(*f));
  return v;
}

// 14 output pixels from ow0. LEFT: ow0 is 0; RIGHT: the tile ends the row (the input width
// is twice the output width). Taps outside the row are skipped: the loops over kw and
// pixels unroll completely, so the conditions below are decided at compile time.
template <bool LEFT, bool RIGHT>
FERRY_AVX512 inline void Tile(const RowArgs& a, int64_t ow0) {
#pragma GCC unroll 14
  for (int p = 0; p < kTile; ++p) {
    _mm_prefetch(reinterpret_cast<const char*>(a.y + (ow0 + p) * a.k), _MM_HINT_ET0);
    _mm_prefetch(reinterpret_cast<const char*>(a.y + (ow0 + p) * a.k + 16), _MM_HINT_ET0);
  }
  __m512 acc[kTile][2];
#pragma GCC unroll 14
  for (int p = 0; p < kTile; ++p) {
    acc[p][0] = _mm512_loadu_ps(a.bias);
    acc[p][1] = _mm512_loadu_ps(a.bias + 16);
  }
  for (int64_t ci = 0; ci < a.c; ++ci)
    for (int kh = a.kh0; kh < a.kh1; ++kh) {
      // Input column 2 * ow0 - 3 (tap kw = 0 of pixel 0), row 2 * oh + kh - 3.
      const float* xr = a.x + (ci * a.in_h + 2 * a.oh + kh - 3) * a.in_w + 2 * ow0 - 3;
      const float* wp = a.w + (ci * 7 + kh) * 7 * kBlock;
#pragma GCC unroll 7
      for (int kw = 0; kw < 7; ++kw) {
        const __m512 w0 = _mm512_load_ps(wp + kw * kBlock);
        const __m512 w1 = _mm512_load_ps(wp + kw * kBlock + 16);
#pragma GCC unroll 14
        for (int p = 0; p < kTile; ++p) {
          if (LEFT && 2 * p + kw < 3) continue;    // column < 0
          if (RIGHT && 2 * p + kw >= 31) continue;  // column >= in_w
          const __m512 v = Broadcast(xr + 2 * p + kw);
          acc[p][0] = _mm512_fmadd_ps(v, w0, acc[p][0]);
          acc[p][1] = _mm512_fmadd_ps(v, w1, acc[p][1]);
        }
      }
    }
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 14
  for (int p = 0; p < kTile; ++p)
#pragma GCC unroll 2
    for (int j = 0; j < 2; ++j) {
      __m512 v = acc[p][j];
      if (a.relu) v = _mm512_max_ps(zero, v);  // NaN stays NaN
      _mm512_storeu_ps(a.y + (ow0 + p) * a.k + 16 * j, v);
    }
}

FERRY_AVX512 void Row(const RowArgs& a, int64_t out_w) {
  Tile<true, false>(a, 0);
  for (int64_t ow = kTile; ow + kTile < out_w; ow += kTile) Tile<false, false>(a, ow);
  Tile<false, true>(a, out_w - kTile);
}

}  // namespace

bool Conv7x7s2Applies(const ConvParams& p) {
  return HasAvx512() && p.kernel_h == 7 && p.kernel_w == 7 && p.stride_h == 2 &&
         p.stride_w == 2 && p.dilation_h == 1 && p.dilation_w == 1 && p.pad_top == 3 &&
         p.pad_left == 3 && p.pad_bottom == 3 && p.pad_right == 3 && p.groups == 1 &&
         p.in_channels >= 1 && p.in_channels <= 4 && p.out_channels > 0 &&
         p.out_channels % kBlock == 0 && p.in_h > 0 && p.in_w % 2 == 0 &&
         p.out_w() % kTile == 0 && p.out_w() >= 2 * kTile &&
         (p.activation.kind == Activation::kNone || p.activation.kind == Activation::kRelu);
}

PackedConvWeights PackConv7x7s2Weights(const ConvParams& p, const float* w) {
  return PackedConvWeights::Pack(p, w, PackedConvWeights::Order::kChannelsOuter);
}

void Conv7x7s2(const ConvParams& p, const float* x, const PackedConvWeights& w, const float* b,
               float* y, int num_threads) {
  static const float kZeros[kBlock] = {};
  const int64_t n = p.batch, c = p.in_channels, k = p.out_channels;
  const int64_t oh_n = p.out_h(), ow_n = p.out_w();
  const int64_t blocks = k / kBlock, rows = n * oh_n, units = rows * blocks;
  const bool relu = p.activation.kind == Activation::kRelu;
#pragma omp parallel for num_threads(std::max(1, num_threads)) schedule(static)
  for (int64_t u = 0; u < units; ++u) {
    const int64_t row = u / blocks, blk = u % blocks;
    const int64_t img = row / oh_n, oh = row % oh_n;
    RowArgs a;
    a.x = x + img * c * p.in_h * p.in_w;
    a.w = w.at(blk, 0, 0);
    a.bias = b ? b + blk * kBlock : kZeros;
    a.y = y + row * ow_n * k + blk * kBlock;
    a.in_h = p.in_h;
    a.in_w = p.in_w;
    a.c = c;
    a.k = k;
    a.oh = oh;
    a.kh0 = static_cast<int>(std::max<int64_t>(0, 3 - 2 * oh));
    a.kh1 = static_cast<int>(std::min<int64_t>(7, p.in_h + 3 - 2 * oh));
    a.relu = relu;
    Row(a, ow_n);
  }
}

}  // namespace ferry::kernels
