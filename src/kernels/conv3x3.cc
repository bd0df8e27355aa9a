// Compiled with OpenMP (CMakeLists.txt), like channels_last.cc: the threads are the ones
// Debian's oneDNN runs on.
#include "kernels/conv3x3.h"

#include <algorithm>

#include "kernels/simd.h"

namespace ferry::kernels {
namespace {

constexpr int kBlock = PackedConvWeights::kBlock;  // output channels per tile: 2 zmm
constexpr int kVecs = kBlock / 16;

// One row of the input and output, and what every tile of it shares.
struct RowArgs {
  const float* x;         // input row oh, pixel 0
  const float* w;         // the 32-channel block: [3][3][c][32]
  const float* bias;      // 32 values
  const float* residual;  // output row oh at the block's first channel, or nullptr
  const float* next;      // input row oh + 2 (the next output row's new one), or nullptr
  float* y;               // output row oh at the block's first channel
  int64_t width, c, k;
  int kh0, kh1;  // the kernel rows inside the image
  bool relu;
};

// P output pixels from ow0 at 32 channels. LEFT: ow0 is 0, so pixel 0 has no left tap;
// RIGHT: the tile ends the row, so its last pixel has no right tap. The loops over pixels
// and vectors unroll completely (28 accumulators stay in registers). C: the input channels
// when known at compile time (0: a.c): the 14 pixels are then constant offsets from one
// pointer, where a run-time count needs 14 pointers, more than there are registers.
template <int P, bool LEFT, bool RIGHT, int C>
FERRY_AVX512 inline void Tile(const RowArgs& a, int64_t ow0) {
  const int64_t c = C ? C : a.c;
  // The tile's output (and residual) lines, asked for now so that the stores at the end do
  // not wait for them: at batch 8 they come from memory.
#pragma GCC unroll 16
  for (int p = 0; p < P; ++p) {
    const int64_t at = (ow0 + p) * a.k;
    _mm_prefetch(reinterpret_cast<const char*>(a.y + at), _MM_HINT_ET0);
    _mm_prefetch(reinterpret_cast<const char*>(a.y + at + 16), _MM_HINT_ET0);
    if (a.residual && a.residual != a.y) {
      _mm_prefetch(reinterpret_cast<const char*>(a.residual + at), _MM_HINT_T0);
      _mm_prefetch(reinterpret_cast<const char*>(a.residual + at + 16), _MM_HINT_T0);
    }
  }
  // The part of the next output row's new input row under this tile, into L2: the
  // hardware prefetchers miss the tile's 14 interleaved pixel streams.
  if (a.next)
    for (int64_t i = 0; i < P * c; i += 16)
      _mm_prefetch(reinterpret_cast<const char*>(a.next + ow0 * c + i), _MM_HINT_T1);
  __m512 acc[P][kVecs];
#pragma GCC unroll 16
  for (int p = 0; p < P; ++p)
#pragma GCC unroll 2
    for (int j = 0; j < kVecs; ++j) acc[p][j] = _mm512_loadu_ps(a.bias + 16 * j);
  for (int kh = a.kh0; kh < a.kh1; ++kh) {
    // The input pixel left of ow0, kernel row kh (not read when LEFT).
    const float* xr = a.x + ((kh - 1) * a.width + ow0 - 1) * c;
    const float* wk = a.w + kh * 3 * c * kBlock;
#pragma GCC unroll 3
    for (int kw = 0; kw < 3; ++kw) {
      const int p0 = LEFT && kw == 0 ? 1 : 0, p1 = RIGHT && kw == 2 ? P - 1 : P;
      const float* xp = xr + kw * c;
      const float* wp = wk + kw * c * kBlock;
      for (int64_t ic = 0; ic < c; ++ic) {
        const __m512 w0 = _mm512_load_ps(wp + ic * kBlock);
        const __m512 w1 = _mm512_load_ps(wp + ic * kBlock + 16);
#pragma GCC unroll 16
        for (int p = p0; p < p1; ++p) {
          const __m512 v = _mm512_set1_ps(xp[p * c + ic]);
          acc[p][0] = _mm512_fmadd_ps(v, w0, acc[p][0]);
          acc[p][1] = _mm512_fmadd_ps(v, w1, acc[p][1]);
        }
      }
    }
  }
  const __m512 zero = _mm512_setzero_ps();
#pragma GCC unroll 16
  for (int p = 0; p < P; ++p)
#pragma GCC unroll 2
    for (int j = 0; j < kVecs; ++j) {
      const int64_t at = (ow0 + p) * a.k + 16 * j;
      __m512 v = acc[p][j];
      if (a.residual) v = _mm512_add_ps(v, _mm512_loadu_ps(a.residual + at));
      // The second operand when either is NaN: a NaN stays NaN, as in oneDNN's Relu.
      if (a.relu) v = _mm512_max_ps(zero, v);
      _mm512_storeu_ps(a.y + at, v);
    }
}

// A row of tiles of 14 pixels, the last one 7 where the width is an odd multiple of 7.
template <int C>
FERRY_AVX512 void RowOf(const RowArgs& a) {
  const int64_t w = a.width;
  if (w == 7) return Tile<7, true, true, C>(a, 0);
  if (w == 14) return Tile<14, true, true, C>(a, 0);
  Tile<14, true, false, C>(a, 0);
  int64_t ow = 14;
  for (; ow + 14 < w; ow += 14) Tile<14, false, false, C>(a, ow);
  if (w - ow == 14) {
    Tile<14, false, true, C>(a, ow);
  } else {
    Tile<7, false, true, C>(a, ow);
  }
}

// ResNet's channel counts compile apart (about 1 % faster on 64 channels).
FERRY_AVX512 void Row(const RowArgs& a) {
  switch (a.c) {
    case 64:
      return RowOf<64>(a);
    case 128:
      return RowOf<128>(a);
    case 256:
      return RowOf<256>(a);
    case 512:
      return RowOf<512>(a);
    default:
      return RowOf<0>(a);
  }
}

}  // namespace

bool Conv3x3Applies(const ConvParams& p) {
  return HasAvx512() && p.kernel_h == 3 && p.kernel_w == 3 && p.stride_h == 1 &&
         p.stride_w == 1 && p.dilation_h == 1 && p.dilation_w == 1 && p.pad_top == 1 &&
         p.pad_left == 1 && p.pad_bottom == 1 && p.pad_right == 1 && p.groups == 1 &&
         p.in_channels > 0 && p.out_channels > 0 && p.out_channels % kBlock == 0 &&
         p.in_w > 0 && p.in_w % 7 == 0 && p.in_h > 0 &&
         (p.activation.kind == Activation::kNone || p.activation.kind == Activation::kRelu);
}

PackedConvWeights PackConv3x3Weights(const ConvParams& p, const float* w) {
  return PackedConvWeights::Pack(p, w, PackedConvWeights::Order::kTapsOuter);
}

void Conv3x3(const ConvParams& p, const float* x, const PackedConvWeights& w, const float* b,
             const float* residual, float* y, int num_threads) {
  static const float kZeros[kBlock] = {};
  const int64_t n = p.batch, h = p.in_h, width = p.in_w, c = p.in_channels, k = p.out_channels;
  const int64_t blocks = k / kBlock, rows = n * h, units = rows * blocks;
  // Row by row, every row through all channel blocks, keeps a row's input in L1 while the
  // weights stream from L2. Past 1 MiB of weights (ResNet's 256- and 512-channel layers)
  // the weights no longer stay in L2: block by block instead, each block's weights stay in
  // cache over all rows.
  const bool blocks_outer = 9 * c * k * int64_t{sizeof(float)} > (int64_t{1} << 20);
  const bool relu = p.activation.kind == Activation::kRelu;
#pragma omp parallel for num_threads(std::max(1, num_threads)) schedule(static)
  for (int64_t u = 0; u < units; ++u) {
    const int64_t row = blocks_outer ? u % rows : u / blocks;
    const int64_t blk = blocks_outer ? u / rows : u % blocks;
    const int64_t oh = row % h;
    RowArgs a;
    a.x = x + row * width * c;
    a.w = w.at(blk, 0, 0);
    a.bias = b ? b + blk * kBlock : kZeros;
    const int64_t out = row * width * k + blk * kBlock;
    a.residual = residual ? residual + out : nullptr;
    a.next = oh + 2 < h ? x + (row + 2) * width * c : nullptr;
    a.y = y + out;
    a.width = width;
    a.c = c;
    a.k = k;
    a.kh0 = oh == 0 ? 1 : 0;
    a.kh1 = oh == h - 1 ? 2 : 3;
    a.relu = relu;
    Row(a);
  }
}

}  // namespace ferry::kernels
