// Fused forms of ConstantWeightConv2D: blocked activations between convolutions, a residual
// through the sum post-op, and every fused activation, against the reference convolution.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "kernels/conv.h"
#include "kernels/reference/conv.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandomFloats;

ConvParams Params(int64_t batch, int64_t c_in, int64_t c_out, int64_t hw, int64_t groups = 1) {
  ConvParams p;
  p.batch = batch;
  p.in_channels = c_in;
  p.out_channels = c_out;
  p.in_h = p.in_w = hw;
  p.kernel_h = p.kernel_w = 3;
  p.pad_top = p.pad_left = p.pad_bottom = p.pad_right = 1;
  p.groups = groups;
  return p;
}

size_t BlockedSize(const ConvParams& p, bool c16 = false) {
  const auto dims = c16 ? ConvBlocked16Dims(p.batch, p.out_channels, p.out_h(), p.out_w())
                        : ConvBlockedDims(p.batch, p.out_channels, p.out_h(), p.out_w());
  size_t n = 1;
  for (int64_t d : dims) n *= d;
  return n;
}

ConvTensors Buffers(const float* x, bool x_blocked, const float* w, const float* b,
                    const float* residual, bool residual_blocked, float* y, bool y_blocked,
                    bool c16 = false) {
  ConvTensors t;
  t.x = x;
  t.x_blocked = x_blocked;
  t.x_16c = c16 && x_blocked;
  t.w = w;
  t.b = b;
  t.residual = residual;
  t.residual_blocked = residual_blocked;
  t.residual_16c = c16 && residual_blocked;
  t.y = y;
  t.y_blocked = y_blocked;
  t.y_16c = c16 && y_blocked;
  return t;
}

TEST(ConvFusedTest, BlockedChainWithResidualMatchesReference) {
  if (ConvPreferredBlocking() == ConvBlocking::kPlain) GTEST_SKIP() << "oneDNN prefers NCHW";
  std::mt19937 rng(3);
  // 24 pads nChw16c blocks; 64 makes conv2 a Winograd candidate, which with Winograd on and
  // nChw16c between the convolutions (c16) runs Winograd at any size.
  ::setenv("FERRY_CONV_WINOGRAD", "1", 1);
  for (int64_t c : {16, 24, 64}) {
    for (bool c16 : {false, true}) {
      // y1 = relu(conv1(x)) blocked; y2 = relu(conv2(y1) + y1) blocked; y3 = dwconv(y2) plain.
      ConvParams p1 = Params(2, 3, c, 7), p2 = Params(2, c, c, 7), p3 = Params(2, c, c, 7, c);
      p1.activation.kind = p2.activation.kind = Activation::kRelu;
      auto x = RandomFloats(rng, p1.x_size());
      auto w1 = RandomFloats(rng, p1.w_size()), w2 = RandomFloats(rng, p2.w_size());
      auto w3 = RandomFloats(rng, p3.w_size()), b = RandomFloats(rng, c);

      std::vector<float> r1(p1.y_size()), r2(p2.y_size()), r3(p3.y_size());
      reference::Conv2D(p1, x.data(), w1.data(), b.data(), r1.data());
      ConvParams p2_plain = p2;
      p2_plain.activation = {};
      reference::Conv2D(p2_plain, r1.data(), w2.data(), b.data(), r2.data());
      for (size_t i = 0; i < r2.size(); ++i) r2[i] = std::max(0.0f, r2[i] + r1[i]);
      reference::Conv2D(p3, r2.data(), w3.data(), nullptr, r3.data());

      ConstantWeightConv2D c1, c2, c3;
      std::vector<float> y1(BlockedSize(p1, c16)), y2(BlockedSize(p2, c16)), y3(p3.y_size());
      ConvTensors t1 = Buffers(x.data(), false, w1.data(), b.data(), nullptr, false, y1.data(),
                               true, c16);
      ConvTensors t2 = Buffers(y1.data(), true, w2.data(), b.data(), y1.data(), true, y2.data(),
                               true, c16);
      ConvTensors t3 = Buffers(y2.data(), true, w3.data(), nullptr, nullptr, false, y3.data(),
                               false, c16);
      for (int rep = 0; rep < 2; ++rep) {  // the second call runs the cached primitives
        ASSERT_TRUE(c1.Run(p1, t1, 2).ok());
        ASSERT_TRUE(c2.Run(p2, t2, 2).ok());
        ASSERT_TRUE(c3.Run(p3, t3, 2).ok());
        EXPECT_TRUE(AllClose(y3, r3)) << "channels " << c << " nChw16c " << c16;
      }
    }
  }
  ::unsetenv("FERRY_CONV_WINOGRAD");
}

TEST(ConvFusedTest, PlainResidualAndEveryActivation) {
  std::mt19937 rng(4);
  for (Activation a : {Activation::kNone, Activation::kRelu, Activation::kClip,
                       Activation::kLeakyRelu, Activation::kSigmoid, Activation::kTanh,
                       Activation::kHardSwish}) {
    ConvParams p = Params(1, 8, 8, 6);
    p.activation.kind = a;
    p.activation.min = -0.5f;
    p.activation.max = 0.75f;
    p.activation.alpha = 0.1f;
    auto x = RandomFloats(rng, p.x_size()), w = RandomFloats(rng, p.w_size());
    auto r = RandomFloats(rng, p.y_size());
    ConvParams plain = p;
    plain.activation = {};
    std::vector<float> want(p.y_size());
    reference::Conv2D(plain, x.data(), w.data(), nullptr, want.data());
    for (size_t i = 0; i < want.size(); ++i) want[i] = p.activation.Apply(want[i] + r[i]);
    std::vector<float> got(p.y_size());
    ConvTensors t;
    t.x = x.data();
    t.w = w.data();
    t.residual = r.data();
    t.y = got.data();
    ConstantWeightConv2D conv;
    ASSERT_TRUE(conv.Run(p, t, 1).ok());
    EXPECT_TRUE(AllClose(got, want)) << "activation " << static_cast<int>(a);
  }
}

}  // namespace
}  // namespace ferry::kernels
