// ferry's own 3x3 kernel (kernels/conv3x3.h) against the reference convolution, and
// ConstantWeightConv2D's hand-over between it and oneDNN.
#include "kernels/conv3x3.h"

#include <cmath>
#include <limits>
#include <vector>

#include "kernels/reference/conv.h"
#include "kernels/simd.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;

ConvParams Params3x3(int64_t n, int64_t c, int64_t k, int64_t h, int64_t w) {
  ConvParams p;
  p.layout = Layout::kNHWC;
  p.batch = n;
  p.in_channels = c;
  p.out_channels = k;
  p.in_h = h;
  p.in_w = w;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  return p;
}

// act(conv(x) + b + residual) by the reference, channels-last.
std::vector<float> Want(const ConvParams& p, const std::vector<float>& x,
                        const std::vector<float>& w, const float* b, const float* residual) {
  ConvParams plain = p;
  plain.activation = {};
  std::vector<float> y(p.y_size());
  reference::Conv2D(plain, x.data(), w.data(), b, y.data());
  for (size_t i = 0; i < y.size(); ++i) {
    const float v = residual ? y[i] + residual[i] : y[i];
    y[i] = p.activation.kind == Activation::kRelu ? (v < 0.0f ? 0.0f : v) : v;
  }
  return y;
}

TEST(Conv3x3Test, MatchesReferenceOnRandomShapes) {
  if (!HasAvx512()) GTEST_SKIP() << "the kernel needs AVX-512F";
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 80; ++iter) {
    // Any input channel count, and the ones compiled apart (64 to 512, small images).
    const int64_t c = iter % 4 ? RandInt(rng, 1, 40) : int64_t{64} << RandInt(rng, 0, 3);
    // Widths of one tile of 7 or 14, several of 14, and 14s ending in a 7; one-row images.
    const int64_t w = 7 * RandInt(rng, 1, c > 128 ? 2 : 9);
    ConvParams p = Params3x3(RandInt(rng, 1, 2), c, 32 * RandInt(rng, 1, 3),
                             RandInt(rng, 1, c > 128 ? 3 : 6), w);
    p.weight_layout = RandInt(rng, 0, 1) ? WeightLayout::kHWIO : WeightLayout::kOIHW;
    p.activation.kind = RandInt(rng, 0, 1) ? Activation::kRelu : Activation::kNone;
    ASSERT_TRUE(Conv3x3Applies(p)) << p.ToString();
    const bool bias = RandInt(rng, 0, 1), residual = RandInt(rng, 0, 1);
    const bool in_place = residual && RandInt(rng, 0, 1);
    auto x = RandomFloats(rng, p.x_size()), wt = RandomFloats(rng, p.w_size());
    auto b = RandomFloats(rng, p.out_channels), r = RandomFloats(rng, p.y_size());
    const auto want = Want(p, x, wt, bias ? b.data() : nullptr, residual ? r.data() : nullptr);
    std::vector<float> y = in_place ? r : Sentinel(p.y_size());
    const PackedConvWeights packed = PackConv3x3Weights(p, wt.data());
    Conv3x3(p, x.data(), packed, bias ? b.data() : nullptr,
            residual ? (in_place ? y.data() : r.data()) : nullptr, y.data(), RandInt(rng, 1, 3));
    EXPECT_TRUE(AllClose(y, want)) << p.ToString() << " bias " << bias << " residual "
                                   << residual << " in place " << in_place;
  }
}

TEST(Conv3x3Test, ThreadCountDoesNotChangeABit) {
  if (!HasAvx512()) GTEST_SKIP() << "the kernel needs AVX-512F";
  std::mt19937 rng(5);
  for (int64_t c : {64, 320}) {  // rows outer, then channel blocks outer (over 1 MiB)
    ConvParams p = Params3x3(2, c, 64 + (c > 64 ? 256 : 0), 5, 21);
    p.activation.kind = Activation::kRelu;
    auto x = RandomFloats(rng, p.x_size()), wt = RandomFloats(rng, p.w_size());
    auto b = RandomFloats(rng, p.out_channels);
    const PackedConvWeights packed = PackConv3x3Weights(p, wt.data());
    std::vector<float> y1(p.y_size()), y3(p.y_size());
    Conv3x3(p, x.data(), packed, b.data(), nullptr, y1.data(), 1);
    Conv3x3(p, x.data(), packed, b.data(), nullptr, y3.data(), 3);
    EXPECT_EQ(y1, y3) << p.ToString();
    EXPECT_TRUE(AllClose(y1, Want(p, x, wt, b.data(), nullptr))) << p.ToString();
  }
}

TEST(Conv3x3Test, NanAndInfinityFlowThrough) {
  if (!HasAvx512()) GTEST_SKIP() << "the kernel needs AVX-512F";
  ConvParams p = Params3x3(1, 16, 32, 3, 7);
  p.activation.kind = Activation::kRelu;
  std::vector<float> x(p.x_size(), 0.5f), wt(p.w_size(), 0.25f);
  x[(1 * 7 + 3) * 16] = std::numeric_limits<float>::quiet_NaN();  // pixel (1, 3)
  x[(0 * 7 + 0) * 16 + 5] = std::numeric_limits<float>::infinity();  // pixel (0, 0)
  std::vector<float> y(p.y_size());
  Conv3x3(p, x.data(), PackConv3x3Weights(p, wt.data()), nullptr, nullptr, y.data(), 2);
  // Every output whose window holds (1, 3) is NaN (Relu keeps it); (0, 0)'s window is +inf.
  for (int64_t oh = 0; oh < 3; ++oh)
    for (int64_t ow = 0; ow < 7; ++ow) {
      const float v = y[(oh * 7 + ow) * 32 + 7];
      if (std::abs(ow - 3) <= 1) {
        EXPECT_TRUE(std::isnan(v)) << oh << "," << ow << ": " << v;
      } else if (oh <= 1 && ow <= 1) {
        EXPECT_EQ(v, std::numeric_limits<float>::infinity()) << oh << "," << ow;
      } else {
        EXPECT_TRUE(std::isfinite(v) && v > 0.0f) << oh << "," << ow << ": " << v;
      }
    }
}

TEST(Conv3x3Test, AppliesOnlyToItsShapes) {
  ConvParams p = Params3x3(1, 64, 64, 56, 56);
  EXPECT_EQ(Conv3x3Applies(p), HasAvx512());
  auto rejects = [&](auto change, const char* what) {
    ConvParams q = p;
    change(q);
    EXPECT_FALSE(Conv3x3Applies(q)) << what;
  };
  rejects([](ConvParams& q) { q.stride_h = q.stride_w = 2; }, "stride 2");
  rejects([](ConvParams& q) { q.pad_top = q.pad_left = q.pad_bottom = q.pad_right = 0; }, "pad 0");
  rejects([](ConvParams& q) { q.pad_right = 2; }, "asymmetric padding");
  rejects([](ConvParams& q) { q.dilation_h = 2; }, "dilation");
  rejects([](ConvParams& q) { q.kernel_h = q.kernel_w = 5; }, "5x5");
  rejects([](ConvParams& q) { q.groups = 2; }, "groups");
  rejects([](ConvParams& q) { q.out_channels = 48; }, "48 output channels");
  rejects([](ConvParams& q) { q.in_w = 55; }, "width 55");
  rejects([](ConvParams& q) { q.activation.kind = Activation::kClip; }, "Clip");
}

TEST(Conv3x3Test, UnpackRestoresEitherLayout) {
  std::mt19937 rng(6);
  for (WeightLayout layout : {WeightLayout::kOIHW, WeightLayout::kHWIO}) {
    ConvParams p = Params3x3(1, 5, 96, 7, 7);
    p.weight_layout = layout;
    auto wt = RandomFloats(rng, p.w_size());
    std::vector<float> back(wt.size());
    PackConv3x3Weights(p, wt.data()).Unpack(layout, back.data());
    EXPECT_EQ(back, wt);
  }
}

// ConstantWeightConv2D packs for ferry's kernel where it applies (channels-last buffers),
// and hands the weights to oneDNN when a later shape does not fit it (width 8).
TEST(Conv3x3Test, ConstantWeightConvSwitchesToOneDnnForOtherShapes) {
  if (ConvPreferredBlocking() != ConvBlocking::kChannelsLast)
    GTEST_SKIP() << "channels-last is not oneDNN's preferred layout here";
  std::mt19937 rng(7);
  for (WeightLayout layout : {WeightLayout::kOIHW, WeightLayout::kHWIO}) {
    ConvParams p = Params3x3(1, 24, 64, 4, 14);
    p.layout = Layout::kNCHW;  // blocked buffers take NCHW params
    p.weight_layout = layout;
    p.activation.kind = Activation::kRelu;
    auto wt = RandomFloats(rng, p.w_size()), b = RandomFloats(rng, p.out_channels);
    ConstantWeightConv2D conv;
    ConvTensors t;
    t.w = wt.data();
    t.b = b.data();
    t.x_blocked = t.y_blocked = true;
    ASSERT_TRUE(conv.Pack(p, t, 2).ok());
    EXPECT_TRUE(conv.packed());
    t.w = nullptr;  // gone, as after the session frees the initializers
    for (int64_t width : {14, 8, 21}) {
      ConvParams q = p;
      q.in_w = width;
      ConvParams q_nhwc = q;
      q_nhwc.layout = Layout::kNHWC;
      auto x = RandomFloats(rng, q.x_size());
      const auto want = Want(q_nhwc, x, wt, b.data(), nullptr);
      std::vector<float> y = Sentinel(q.y_size());
      t.x = x.data();
      t.y = y.data();
      ASSERT_TRUE(conv.Run(q, t, 2).ok()) << "width " << width;
      EXPECT_TRUE(AllClose(y, want)) << "width " << width;
    }
  }
}

// TF graphs' convolutions (NHWC params, HWIO weights, plain buffers) take the kernel too.
TEST(Conv3x3Test, ConstantWeightConvRunsNhwcParams) {
  std::mt19937 rng(8);
  ConvParams p = Params3x3(2, 16, 32, 3, 7);
  p.weight_layout = WeightLayout::kHWIO;
  p.activation.kind = Activation::kRelu;
  auto x = RandomFloats(rng, p.x_size()), wt = RandomFloats(rng, p.w_size());
  auto r = RandomFloats(rng, p.y_size());
  ConstantWeightConv2D conv;
  ConvTensors t;
  t.x = x.data();
  t.w = wt.data();
  t.residual = r.data();
  std::vector<float> y = Sentinel(p.y_size());
  t.y = y.data();
  ASSERT_TRUE(conv.Run(p, t, 2).ok());
  EXPECT_TRUE(AllClose(y, Want(p, x, wt, nullptr, r.data())));
}

}  // namespace
}  // namespace ferry::kernels
