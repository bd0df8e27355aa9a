#include "kernels/pool.h"

#include "kernels/reference/pool.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;

TEST(PoolTest, OneDnnMatchesReferenceOnRandomShapes) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 200; ++iter) {
    PoolParams p;
    p.kind = RandInt(rng, 0, 1) ? PoolKind::kAverage : PoolKind::kMax;
    p.layout = RandInt(rng, 0, 1) ? Layout::kNHWC : Layout::kNCHW;
    p.batch = RandInt(rng, 1, 2);
    p.channels = RandInt(rng, 1, 5);
    p.kernel_h = RandInt(rng, 1, 3);
    p.kernel_w = RandInt(rng, 1, 3);
    p.stride_h = RandInt(rng, 1, 3);
    p.stride_w = RandInt(rng, 1, 3);
    if (p.kind == PoolKind::kMax) {
      p.dilation_h = RandInt(rng, 1, 2);
      p.dilation_w = RandInt(rng, 1, 2);
    }
    p.pad_top = RandInt(rng, 0, p.kernel_h - 1);
    p.pad_bottom = RandInt(rng, 0, p.kernel_h - 1);
    p.pad_left = RandInt(rng, 0, p.kernel_w - 1);
    p.pad_right = RandInt(rng, 0, p.kernel_w - 1);
    p.in_h = RandInt(rng, p.dilation_h * (p.kernel_h - 1) + 1, 10);
    p.in_w = RandInt(rng, p.dilation_w * (p.kernel_w - 1) + 1, 10);
    const bool ceil_mode = RandInt(rng, 0, 1);
    p.count_include_pad = RandInt(rng, 0, 1);
    p.out_h = PoolParams::OutputSize(p.in_h, p.kernel_h, p.stride_h, p.dilation_h, p.pad_top,
                                     p.pad_bottom, ceil_mode);
    p.out_w = PoolParams::OutputSize(p.in_w, p.kernel_w, p.stride_w, p.dilation_w, p.pad_left,
                                     p.pad_right, ceil_mode);
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

}  // namespace
}  // namespace ferry::kernels
