// ferry's own 7x7 stride-2 kernel (kernels/conv7x7s2.h) against the reference convolution,
// and ConstantWeightConv2D's hand-over between it and oneDNN.
#include "kernels/conv7x7s2.h"

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

ConvParams Stem(int64_t n, int64_t c, int64_t k, int64_t h, int64_t w) {
  ConvParams p;
  p.batch = n;
  p.in_channels = c;
  p.out_channels = k;
  p.in_h = h;
  p.in_w = w;
  p.kernel_h = p.kernel_w = 7;
  p.stride_h = p.stride_w = 2;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 3;
  return p;
}

// act(conv(x) + b) by the reference from NCHW x, as channels-last [n, oh, ow, k].
std::vector<float> Want(const ConvParams& p, const std::vector<float>& x,
                        const std::vector<float>& w, const float* b) {
  ConvParams nchw = p;
  nchw.layout = Layout::kNCHW;
  std::vector<float> y(p.y_size());
  reference::Conv2D(nchw, x.data(), w.data(), b, y.data());
  const int64_t k = p.out_channels, hw = p.out_h() * p.out_w();
  std::vector<float> out(y.size());
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t o = 0; o < k; ++o)
      for (int64_t i = 0; i < hw; ++i) {
        const float v = y[(n * k + o) * hw + i];
        out[(n * hw + i) * k + o] =
            p.activation.kind == Activation::kRelu ? (v < 0.0f ? 0.0f : v) : v;
      }
  return out;
}

TEST(Conv7x7s2Test, MatchesReferenceOnRandomShapes) {
  if (!HasAvx512()) GTEST_SKIP() << "the kernel needs AVX-512F";
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 30; ++iter) {
    // Output widths of 2, 3 and 4 tiles; heights odd and even, down to one output row.
    ConvParams p = Stem(RandInt(rng, 1, 2), RandInt(rng, 1, 4), 32 * RandInt(rng, 1, 3),
                        RandInt(rng, 1, 20), 28 * RandInt(rng, 2, 4));
    p.weight_layout = RandInt(rng, 0, 1) ? WeightLayout::kHWIO : WeightLayout::kOIHW;
    p.activation.kind = RandInt(rng, 0, 1) ? Activation::kRelu : Activation::kNone;
    ASSERT_TRUE(Conv7x7s2Applies(p)) << p.ToString();
    const bool bias = RandInt(rng, 0, 1);
    auto x = RandomFloats(rng, p.x_size()), wt = RandomFloats(rng, p.w_size());
    auto b = RandomFloats(rng, p.out_channels);
    std::vector<float> y = Sentinel(p.y_size());
    Conv7x7s2(p, x.data(), PackConv7x7s2Weights(p, wt.data()), bias ? b.data() : nullptr,
              y.data(), RandInt(rng, 1, 3));
    EXPECT_TRUE(AllClose(y, Want(p, x, wt, bias ? b.data() : nullptr)))
        << p.ToString() << " bias " << bias;
  }
}

TEST(Conv7x7s2Test, ThreadCountDoesNotChangeABit) {
  if (!HasAvx512()) GTEST_SKIP() << "the kernel needs AVX-512F";
  std::mt19937 rng(9);
  ConvParams p = Stem(2, 3, 64, 17, 56);
  p.activation.kind = Activation::kRelu;
  auto x = RandomFloats(rng, p.x_size()), wt = RandomFloats(rng, p.w_size());
  auto b = RandomFloats(rng, p.out_channels);
  const PackedConvWeights packed = PackConv7x7s2Weights(p, wt.data());
  std::vector<float> y1(p.y_size()), y3(p.y_size());
  Conv7x7s2(p, x.data(), packed, b.data(), y1.data(), 1);
  Conv7x7s2(p, x.data(), packed, b.data(), y3.data(), 3);
  EXPECT_EQ(y1, y3);
}

TEST(Conv7x7s2Test, NanFlowsThroughRelu) {
  if (!HasAvx512()) GTEST_SKIP() << "the kernel needs AVX-512F";
  ConvParams p = Stem(1, 1, 32, 8, 56);
  p.activation.kind = Activation::kRelu;
  std::vector<float> x(p.x_size(), 0.5f), wt(p.w_size(), 0.25f);
  x[4 * 56 + 55] = std::numeric_limits<float>::quiet_NaN();  // row 4, the last column
  std::vector<float> y(p.y_size());
  Conv7x7s2(p, x.data(), PackConv7x7s2Weights(p, wt.data()), nullptr, y.data(), 2);
  // Output (oh, ow) reads rows 2 oh - 3 .. 2 oh + 3 and columns 2 ow - 3 .. 2 ow + 3.
  for (int64_t oh = 0; oh < p.out_h(); ++oh)
    for (int64_t ow = 0; ow < p.out_w(); ++ow) {
      const float v = y[(oh * p.out_w() + ow) * 32 + 3];
      const bool reads = std::abs(2 * oh - 4) <= 3 && std::abs(2 * ow - 55) <= 3;
      EXPECT_EQ(std::isnan(v), reads) << oh << "," << ow << ": " << v;
    }
}

TEST(Conv7x7s2Test, AppliesOnlyToItsShapes) {
  ConvParams p = Stem(1, 3, 64, 224, 224);
  EXPECT_EQ(Conv7x7s2Applies(p), HasAvx512());
  auto rejects = [&](auto change, const char* what) {
    ConvParams q = p;
    change(q);
    EXPECT_FALSE(Conv7x7s2Applies(q)) << what;
  };
  rejects([](ConvParams& q) { q.stride_h = q.stride_w = 1; }, "stride 1");
  rejects([](ConvParams& q) { q.pad_top = 2; }, "padding 2");
  rejects([](ConvParams& q) { q.in_channels = 5; }, "5 input channels");
  rejects([](ConvParams& q) { q.out_channels = 48; }, "48 output channels");
  rejects([](ConvParams& q) { q.in_w = 223; }, "odd width");
  rejects([](ConvParams& q) { q.in_w = 200; }, "output width 100");
  rejects([](ConvParams& q) { q.in_w = 28; }, "one tile");
  rejects([](ConvParams& q) { q.groups = 3; }, "groups");
  rejects([](ConvParams& q) { q.activation.kind = Activation::kSigmoid; }, "Sigmoid");
}

TEST(Conv7x7s2Test, UnpackRestoresEitherLayout) {
  std::mt19937 rng(10);
  for (WeightLayout layout : {WeightLayout::kOIHW, WeightLayout::kHWIO}) {
    ConvParams p = Stem(1, 3, 64, 56, 56);
    p.weight_layout = layout;
    auto wt = RandomFloats(rng, p.w_size());
    std::vector<float> back(wt.size());
    PackConv7x7s2Weights(p, wt.data()).Unpack(layout, back.data());
    EXPECT_EQ(back, wt);
  }
}

// ConstantWeightConv2D packs for ferry's kernel where it applies (NCHW input, channels-last
// output), and hands the weights to oneDNN when a later shape does not fit it.
TEST(Conv7x7s2Test, ConstantWeightConvSwitchesToOneDnnForOtherShapes) {
  if (ConvPreferredBlocking() != ConvBlocking::kChannelsLast)
    GTEST_SKIP() << "channels-last is not oneDNN's preferred layout here";
  std::mt19937 rng(11);
  ConvParams p = Stem(1, 3, 64, 12, 56);
  p.activation.kind = Activation::kRelu;
  auto wt = RandomFloats(rng, p.w_size()), b = RandomFloats(rng, p.out_channels);
  ConstantWeightConv2D conv;
  ConvTensors t;
  t.w = wt.data();
  t.b = b.data();
  t.y_blocked = true;
  ASSERT_TRUE(conv.Pack(p, t, 2).ok());
  EXPECT_TRUE(conv.packed());
  t.w = nullptr;  // gone, as after the session frees the initializers
  for (int64_t width : {56, 50, 84}) {
    ConvParams q = p;
    q.in_w = width;
    auto x = RandomFloats(rng, q.x_size());
    std::vector<float> y = Sentinel(q.y_size());
    t.x = x.data();
    t.y = y.data();
    ASSERT_TRUE(conv.Run(q, t, 2).ok()) << "width " << width;
    EXPECT_TRUE(AllClose(y, Want(q, x, wt, b.data()))) << "width " << width;
  }
}

}  // namespace
}  // namespace ferry::kernels
