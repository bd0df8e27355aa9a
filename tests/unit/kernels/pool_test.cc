#include "kernels/pool.h"

#include <cmath>
#include <cstring>
#include <limits>

#include "kernels/channels_last.h"
#include "kernels/reference/pool.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;

// A random window on `p` (kind, layout, batch and channels already set): kernel up to
// max_kernel, strides up to 3, dilation up to 2 (max pooling only), pads below the kernel,
// input up to max_in, output size by floor or ceil rounding (*ceil_mode).
void RandomWindow(std::mt19937& rng, int64_t max_kernel, int64_t max_in, PoolParams* p,
                  bool* ceil_mode) {
  p->kernel_h = RandInt(rng, 1, max_kernel);
  p->kernel_w = RandInt(rng, 1, max_kernel);
  p->stride_h = RandInt(rng, 1, 3);
  p->stride_w = RandInt(rng, 1, 3);
  if (p->kind == PoolKind::kMax) {
    p->dilation_h = RandInt(rng, 1, 2);
    p->dilation_w = RandInt(rng, 1, 2);
  }
  p->pad_top = RandInt(rng, 0, p->kernel_h - 1);
  p->pad_bottom = RandInt(rng, 0, p->kernel_h - 1);
  p->pad_left = RandInt(rng, 0, p->kernel_w - 1);
  p->pad_right = RandInt(rng, 0, p->kernel_w - 1);
  p->in_h = RandInt(rng, p->dilation_h * (p->kernel_h - 1) + 1, max_in);
  p->in_w = RandInt(rng, p->dilation_w * (p->kernel_w - 1) + 1, max_in);
  *ceil_mode = RandInt(rng, 0, 1);
  p->out_h = PoolParams::OutputSize(p->in_h, p->kernel_h, p->stride_h, p->dilation_h,
                                    p->pad_top, p->pad_bottom, *ceil_mode);
  p->out_w = PoolParams::OutputSize(p->in_w, p->kernel_w, p->stride_w, p->dilation_w,
                                    p->pad_left, p->pad_right, *ceil_mode);
}

TEST(PoolTest, OneDnnMatchesReferenceOnRandomShapes) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 200; ++iter) {
    PoolParams p;
    p.kind = RandInt(rng, 0, 1) ? PoolKind::kAverage : PoolKind::kMax;
    p.layout = RandInt(rng, 0, 1) ? Layout::kNHWC : Layout::kNCHW;
    p.batch = RandInt(rng, 1, 2);
    p.channels = RandInt(rng, 1, 5);
    bool ceil_mode = false;
    RandomWindow(rng, 3, 10, &p, &ceil_mode);
    p.count_include_pad = RandInt(rng, 0, 1);
    ASSERT_TRUE(p.Validate().ok()) << p.ToString();
    const int64_t nx = p.batch * p.channels * p.in_h * p.in_w;
    const int64_t ny = p.batch * p.channels * p.out_h * p.out_w;
    auto x = RandomFloats(rng, nx);
    auto want = Sentinel(ny);
    reference::Pool2D(p, x.data(), want.data());
    auto got = Sentinel(ny);
    Status s = Pool2D(p, x.data(), got.data(), 2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(AllClose(got, want)) << p.ToString() << " ceil_mode=" << ceil_mode;
  }
}

TEST(PoolTest, CeilModeDropsWindowStartingInPadding) {
  // PyTorch/ONNX: in=5, k=2, s=2, pad 1/1: floor gives 3, ceil gives 4 but the 4th window
  // would start at 6 > in + pad_begin - 1, so it is dropped.
  EXPECT_EQ(PoolParams::OutputSize(5, 2, 2, 1, 1, 1, false), 3);
  EXPECT_EQ(PoolParams::OutputSize(5, 2, 2, 1, 1, 1, true), 3);
  EXPECT_EQ(PoolParams::OutputSize(6, 3, 2, 1, 0, 0, false), 2);
  EXPECT_EQ(PoolParams::OutputSize(6, 3, 2, 1, 0, 0, true), 3);
}

TEST(PoolTest, GlobalAveragePoolBothLayouts) {
  std::mt19937 rng(testing::TestSeed() + 2);
  const int64_t n = 2, c = 5, s = 7;
  auto x = RandomFloats(rng, n * c * s);
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    auto want = Sentinel(n * c), got = Sentinel(n * c);
    reference::GlobalAveragePool(layout, n, c, s, x.data(), want.data());
    GlobalAveragePool(layout, n, c, s, x.data(), got.data());
    EXPECT_TRUE(AllClose(got, want)) << "layout=" << static_cast<int>(layout);
  }
  // Independent check of one element in NHWC: channel 3 of batch 1.
  double sum = 0.0;
  for (int64_t i = 0; i < s; ++i) sum += x[(1 * s + i) * c + 3];
  auto got = Sentinel(n * c);
  GlobalAveragePool(Layout::kNHWC, n, c, s, x.data(), got.data());
  EXPECT_NEAR(got[1 * c + 3], sum / s, 1e-6);
}

// Bitwise equal to the reference, both for the AVX-512 loop and the portable one, on channel
// counts that cover the 64-wide blocks, the 16-wide tail and a masked remainder, with NaN
// (skipped) and infinities in the data.
TEST(PoolTest, ChannelsLastMaxPoolIsBitwiseTheReference) {
  std::mt19937 rng(testing::TestSeed() + 3);
  const float kNaN = std::numeric_limits<float>::quiet_NaN();
  const float kInf = std::numeric_limits<float>::infinity();
  for (int iter = 0; iter < 150; ++iter) {
    PoolParams p;
    p.kind = PoolKind::kMax;
    p.layout = Layout::kNHWC;
    p.batch = RandInt(rng, 1, 3);
    p.channels = iter < 6 ? int64_t{64} << (iter % 2) : RandInt(rng, 1, 150);
    bool ceil_mode = false;
    RandomWindow(rng, 4, 12, &p, &ceil_mode);
    ASSERT_TRUE(p.Validate().ok()) << p.ToString();
    auto x = RandomFloats(rng, p.batch * p.channels * p.in_h * p.in_w);
    for (float& v : x) {
      const int64_t r = RandInt(rng, 0, 40);
      if (r == 0) v = kNaN;
      if (r == 1) v = kInf;
      if (r == 2) v = -kInf;
    }
    const int64_t ny = p.batch * p.channels * p.out_h * p.out_w;
    auto want = Sentinel(ny);
    reference::Pool2D(p, x.data(), want.data());
    for (bool simd : {true, false}) {
      auto got = Sentinel(ny);
      MaxPool2DChannelsLast(p, x.data(), got.data(), 2, simd);
      EXPECT_EQ(std::memcmp(got.data(), want.data(), ny * sizeof(float)), 0)
          << p.ToString() << " ceil_mode=" << ceil_mode << " simd=" << simd;
    }
  }
}

// ResNet's stem pool (3x3, stride 2, pad 1 on 112x112x64) through Pool2D, which takes the
// channels-last loop: the value of one window checked by hand.
TEST(PoolTest, Pool2DRunsResNetStemPoolChannelsLast) {
  PoolParams p;
  p.kind = PoolKind::kMax;
  p.layout = Layout::kNHWC;
  p.channels = 64;
  p.in_h = p.in_w = 112;
  p.kernel_h = p.kernel_w = 3;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.out_h = p.out_w = 56;
  std::mt19937 rng(testing::TestSeed() + 4);
  auto x = RandomFloats(rng, 112 * 112 * 64);
  auto got = Sentinel(56 * 56 * 64);
  ASSERT_TRUE(Pool2D(p, x.data(), got.data(), 2).ok());
  // Output (10, 0), channel 37: rows 19..21, columns 0..1 (column -1 is padding).
  float want = -std::numeric_limits<float>::infinity();
  for (int h = 19; h <= 21; ++h)
    for (int w = 0; w <= 1; ++w) want = std::max(want, x[(h * 112 + w) * 64 + 37]);
  EXPECT_EQ(got[(10 * 56 + 0) * 64 + 37], want);
}

TEST(PoolTest, NchwToNhwcMovesEveryElement) {
  std::mt19937 rng(testing::TestSeed() + 5);
  for (int64_t c : {1, 3, 4, 17}) {
    const int64_t n = 2, hw = 300;  // more than one 256-pixel block per image
    auto x = RandomFloats(rng, n * c * hw);
    auto got = Sentinel(n * c * hw);
    NchwToNhwc(x.data(), got.data(), n, c, hw, 2);
    for (int64_t b = 0; b < n; ++b)
      for (int64_t s = 0; s < hw; ++s)
        for (int64_t ch = 0; ch < c; ++ch)
          ASSERT_EQ(got[(b * hw + s) * c + ch], x[(b * c + ch) * hw + s])
              << "c=" << c << " b=" << b << " s=" << s << " ch=" << ch;
  }
}

}  // namespace
}  // namespace ferry::kernels
