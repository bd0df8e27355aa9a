#include "kernels/conv.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <thread>

#include "kernels/reference/conv.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;

ConvParams RandomConv(std::mt19937& rng) {
  ConvParams p;
  p.layout = RandInt(rng, 0, 1) ? Layout::kNHWC : Layout::kNCHW;
  p.weight_layout = RandInt(rng, 0, 1) ? WeightLayout::kHWIO : WeightLayout::kOIHW;
  p.batch = RandInt(rng, 1, 2);
  const int kind = static_cast<int>(RandInt(rng, 0, 2));  // dense, grouped, depthwise
  p.groups = kind == 0 ? 1 : kind == 1 ? RandInt(rng, 2, 3) : RandInt(rng, 2, 6);
  p.in_channels = kind == 2 ? p.groups : p.groups * RandInt(rng, 1, 4);
  p.out_channels = p.groups * (kind == 2 ? RandInt(rng, 1, 2) : RandInt(rng, 1, 4));
  p.kernel_h = RandInt(rng, 1, 3);
  p.kernel_w = RandInt(rng, 1, 3);
  p.stride_h = RandInt(rng, 1, 2);
  p.stride_w = RandInt(rng, 1, 2);
  p.dilation_h = RandInt(rng, 1, 2);
  p.dilation_w = RandInt(rng, 1, 2);
  p.pad_top = RandInt(rng, 0, 2);
  p.pad_left = RandInt(rng, 0, 2);
  p.pad_bottom = RandInt(rng, 0, 2);
  p.pad_right = RandInt(rng, 0, 2);
  p.in_h = RandInt(rng, p.dilation_h * (p.kernel_h - 1) + 1, 9);
  p.in_w = RandInt(rng, p.dilation_w * (p.kernel_w - 1) + 1, 9);
  const int act = static_cast<int>(RandInt(rng, 0, 2));
  p.activation.kind = act == 0   ? Activation::kNone
                      : act == 1 ? Activation::kRelu
                                 : Activation::kClip;
  p.activation.min = -0.25f;
  p.activation.max = 0.5f;
  return p;
}

TEST(ConvTest, OneDnnMatchesReferenceOnRandomShapes) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 150; ++iter) {
    const ConvParams p = RandomConv(rng);
    ASSERT_TRUE(p.Validate().ok()) << p.ToString();
    const bool bias = RandInt(rng, 0, 1);
    auto x = RandomFloats(rng, p.x_size());
    auto w = RandomFloats(rng, p.w_size());
    auto b = RandomFloats(rng, p.out_channels);
    auto want = Sentinel(p.y_size());
    reference::Conv2D(p, x.data(), w.data(), bias ? b.data() : nullptr, want.data());
    auto got = Sentinel(p.y_size());
    Status s = Conv2D(p, x.data(), w.data(), bias ? b.data() : nullptr, got.data(), 2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(AllClose(got, want)) << p.ToString() << " bias=" << bias;
    // The cached-weights path must agree too, also on a second call.
    ConstantWeightConv2D cached;
    for (int rep = 0; rep < 2; ++rep) {
      auto again = Sentinel(p.y_size());
      ASSERT_TRUE(
          cached.Run(p, x.data(), w.data(), bias ? b.data() : nullptr, again.data(), 1).ok());
      EXPECT_TRUE(AllClose(again, want)) << "cached " << p.ToString() << " bias=" << bias;
    }
  }
}

TEST(ConvTest, TfDepthwiseFilterIsHwioWithGroups) {
  // TF DepthwiseConv2dNative filter [kh, kw, C, M]: output channel c * M + m reads input
  // channel c with filter[:, :, c, m].
  const int64_t C = 3, M = 2, H = 4, W = 5, K = 3;
  std::mt19937 rng(7);
  auto x = RandomFloats(rng, H * W * C);
  auto f = RandomFloats(rng, K * K * C * M);
  ConvParams p;
  p.layout = Layout::kNHWC;
  p.weight_layout = WeightLayout::kHWIO;
  p.in_channels = C;
  p.out_channels = C * M;
  p.groups = C;
  p.in_h = H;
  p.in_w = W;
  p.kernel_h = p.kernel_w = K;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  auto y = Sentinel(p.y_size());
  ASSERT_TRUE(Conv2D(p, x.data(), f.data(), nullptr, y.data(), 1).ok());
  for (int64_t oh = 0; oh < H; ++oh)
    for (int64_t ow = 0; ow < W; ++ow)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t m = 0; m < M; ++m) {
          double want = 0.0;
          for (int64_t kh = 0; kh < K; ++kh)
            for (int64_t kw = 0; kw < K; ++kw) {
              const int64_t ih = oh + kh - 1, iw = ow + kw - 1;
              if (ih < 0 || ih >= H || iw < 0 || iw >= W) continue;
              want += x[(ih * W + iw) * C + c] * f[((kh * K + kw) * C + c) * M + m];
            }
          EXPECT_NEAR(y[(oh * W + ow) * C * M + c * M + m], want, 1e-5)
              << "oh=" << oh << " ow=" << ow << " c=" << c << " m=" << m;
        }
}

TEST(ConvTest, SameThreadCountGivesBitwiseEqualOutputs) {
  std::mt19937 rng(testing::TestSeed() + 1);
  ConvParams p;
  p.batch = 2;
  p.in_channels = 16;
  p.out_channels = 32;
  p.in_h = p.in_w = 28;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  auto x = RandomFloats(rng, p.x_size());
  auto w = RandomFloats(rng, p.w_size());
  auto first = Sentinel(p.y_size());
  ASSERT_TRUE(Conv2D(p, x.data(), w.data(), nullptr, first.data(), 2).ok());
  for (int rep = 0; rep < 3; ++rep) {
    auto again = Sentinel(p.y_size());
    ASSERT_TRUE(Conv2D(p, x.data(), w.data(), nullptr, again.data(), 2).ok());
    EXPECT_EQ(0, std::memcmp(first.data(), again.data(), first.size() * sizeof(float)));
  }
}

TEST(ConvTest, CachedPrimitiveRunsOnOtherThreads) {
  // The primitive is created on this thread and executed on fresh ones (serve's request
  // threads): oneDNN's library scratchpad would forbid that; ferry's user scratchpad allows it.
  std::mt19937 rng(testing::TestSeed() + 2);
  ConvParams p;
  p.in_channels = 32;
  p.out_channels = 64;
  p.in_h = p.in_w = 14;
  p.kernel_h = p.kernel_w = 3;
  p.groups = 1;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  auto x = RandomFloats(rng, p.x_size());
  auto w = RandomFloats(rng, p.w_size());
  auto want = Sentinel(p.y_size());
  ConstantWeightConv2D cached;
  ASSERT_TRUE(cached.Run(p, x.data(), w.data(), nullptr, want.data(), 1).ok());
  for (int round = 0; round < 3; ++round) {
    std::vector<std::vector<float>> got(2, Sentinel(p.y_size()));
    std::vector<std::thread> threads;
    for (int t = 0; t < 2; ++t)
      threads.emplace_back([&, t] {
        EXPECT_TRUE(cached.Run(p, x.data(), w.data(), nullptr, got[t].data(), 1).ok());
      });
    for (auto& t : threads) t.join();
    for (int t = 0; t < 2; ++t)
      EXPECT_EQ(0, std::memcmp(got[t].data(), want.data(), want.size() * sizeof(float)))
          << "round " << round << " thread " << t;
  }
}

// Packs for p, then runs p and the other shapes given as {batch, height, width} (other
// primitives, whose weights come from the packed master; default: a new batch and a new
// spatial size) with no weights pointer; each must match the reference convolution.
void ExpectPackedRunsMatch(ConvParams p, bool bias, std::mt19937& rng,
                           std::vector<std::array<int64_t, 3>> others = {}) {
  if (others.empty())
    others = {{p.batch + 2, p.in_h, p.in_w}, {p.batch, p.in_h + 3, p.in_w + 1}};
  others.insert(others.begin(), {p.batch, p.in_h, p.in_w});
  const auto w = RandomFloats(rng, p.w_size());
  const auto b = RandomFloats(rng, p.out_channels);
  auto w_caller = w;
  ConstantWeightConv2D packed;
  EXPECT_FALSE(packed.packed());
  ConvTensors pt;
  pt.w = w_caller.data();
  pt.b = bias ? b.data() : nullptr;
  ASSERT_TRUE(packed.Pack(p, pt, 1).ok()) << p.ToString();
  EXPECT_TRUE(packed.packed());
  std::fill(w_caller.begin(), w_caller.end(), std::nanf(""));  // never read again
  for (const auto& [n, h, wd] : others) {
    ConvParams q = p;
    q.batch = n;
    q.in_h = h;
    q.in_w = wd;
    auto x = RandomFloats(rng, q.x_size());
    auto want = Sentinel(q.y_size());
    reference::Conv2D(q, x.data(), w.data(), bias ? b.data() : nullptr, want.data());
    ConvTensors t;
    t.x = x.data();
    t.b = bias ? b.data() : nullptr;
    auto got = Sentinel(q.y_size());
    t.y = got.data();
    Status s = packed.Run(q, t, 2);
    ASSERT_TRUE(s.ok()) << s.ToString();
    EXPECT_TRUE(AllClose(got, want)) << q.ToString();
  }
}

TEST(ConvTest, PackedWeightsServeEveryShapeWithoutTheCallersBuffer) {
  ::setenv("FERRY_CONV_WINOGRAD", "1", 1);  // opt-in: exercised below
  std::mt19937 rng(testing::TestSeed() + 3);
  for (int iter = 0; iter < 40; ++iter) {
    ConvParams p = RandomConv(rng);
    p.layout = Layout::kNCHW;
    ASSERT_NO_FATAL_FAILURE(ExpectPackedRunsMatch(p, RandInt(rng, 0, 1), rng));
  }
  // Stride-1 3x3 convolutions of 64+ channels run Winograd from 8192 output pixels on; its
  // weights cannot be reordered for other shapes (those start from the plain copy Pack
  // keeps), and reorders into them start from the plain layout.
  // Packed for 12 x 12 (too few pixels: direct), then run at 91 x 91 (8281 pixels:
  // Winograd), and the other way round.
  ConvParams p;
  p.in_channels = p.out_channels = 64;
  p.in_h = p.in_w = 12;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.activation.kind = Activation::kRelu;
  ASSERT_NO_FATAL_FAILURE(ExpectPackedRunsMatch(p, true, rng, {{1, 91, 91}, {2, 12, 12}}));
  p.in_h = p.in_w = 91;
  ASSERT_NO_FATAL_FAILURE(ExpectPackedRunsMatch(p, true, rng, {{1, 12, 12}, {1, 92, 90}}));
  ::unsetenv("FERRY_CONV_WINOGRAD");
}

TEST(ConvTest, UnpackedRunWithoutWeightsFails) {
  // Without Pack (or weights) there is nothing to run from.
  std::mt19937 rng(testing::TestSeed() + 4);
  ConstantWeightConv2D unpacked;
  ConvParams p;
  p.in_channels = p.out_channels = 4;
  p.in_h = p.in_w = 5;
  auto x = RandomFloats(rng, p.x_size());
  auto y = Sentinel(p.y_size());
  ConvTensors t;
  t.x = x.data();
  t.y = y.data();
  EXPECT_FALSE(unpacked.Run(p, t, 1).ok());
}

TEST(ConvTest, InvalidParamsAreRejectedWithTheirValues) {
  ConvParams p;
  p.in_channels = 3;
  p.out_channels = 4;
  p.groups = 2;  // 3 channels do not split into 2 groups
  p.in_h = p.in_w = 4;
  Status s = p.Validate();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("g=2"), std::string::npos) << s.message();
  p.groups = 1;
  p.kernel_h = 7;  // larger than the input
  EXPECT_FALSE(p.Validate().ok());
}

}  // namespace
}  // namespace ferry::kernels
