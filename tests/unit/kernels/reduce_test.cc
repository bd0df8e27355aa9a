#include "kernels/reduce.h"

#include <algorithm>

#include "kernels/batch_norm.h"
#include "kernels/reference/reduce.h"
#include "kernels/softmax.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;
using testing::ShapeStr;

TEST(ReduceTest, MatchesReferenceOverRandomAxes) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<int64_t> shape(RandInt(rng, 1, 5));
    for (auto& d : shape) d = RandInt(rng, 1, 5);
    std::vector<int> axes;
    for (int d = 0; d < static_cast<int>(shape.size()); ++d)
      if (RandInt(rng, 0, 1)) axes.push_back(d);
    const ReduceOp op = std::vector<ReduceOp>{ReduceOp::kSum, ReduceOp::kMean, ReduceOp::kMax,
                                              ReduceOp::kMin}[RandInt(rng, 0, 3)];
    auto x = RandomFloats(rng, reference::NumElements(shape));
    std::vector<int64_t> out = shape;
    for (int a : axes) out[a] = 1;
    const int64_t n = reference::NumElements(out);
    auto want = Sentinel(n), got = Sentinel(n);
    reference::Reduce(op, x.data(), shape, axes, want.data());
    Reduce<float>(op, x.data(), shape, axes, got.data());
    std::string ax;
    for (int a : axes) ax += std::to_string(a) + " ";
    EXPECT_TRUE(AllClose(got, want, 1e-5f, 1e-5f))
        << "op=" << static_cast<int>(op) << " shape=" << ShapeStr(shape) << " axes=" << ax;
  }
}

TEST(SoftmaxTest, MatchesReferenceOnEveryView) {
  std::mt19937 rng(testing::TestSeed() + 1);
  for (int iter = 0; iter < 100; ++iter) {
    const int64_t outer = RandInt(rng, 1, 4), n = RandInt(rng, 1, 9), inner = RandInt(rng, 1, 5);
    const bool log = RandInt(rng, 0, 1);
    auto x = RandomFloats(rng, outer * n * inner, -5.0f, 5.0f);
    auto want = Sentinel(x.size()), got = Sentinel(x.size());
    reference::Softmax(x.data(), outer, n, inner, log, want.data());
    Softmax<float>(x.data(), outer, n, inner, log, got.data());
    EXPECT_TRUE(AllClose(got, want, 1e-5f, 1e-5f))
        << "outer=" << outer << " n=" << n << " inner=" << inner << " log=" << log;
  }
  // Rows sum to one.
  std::vector<float> x = {1, 2, 3, 4, 5, 6};
  auto y = Sentinel(6);
  Softmax<float>(x.data(), 2, 3, 1, false, y.data());
  EXPECT_NEAR(y[0] + y[1] + y[2], 1.0f, 1e-6f);
  EXPECT_NEAR(y[2], std::exp(3.0f) / (std::exp(1.0f) + std::exp(2.0f) + std::exp(3.0f)), 1e-6f);
}

TEST(BatchNormTest, MatchesReferenceInBothLayouts) {
  std::mt19937 rng(testing::TestSeed() + 2);
  for (Layout layout : {Layout::kNCHW, Layout::kNHWC}) {
    const int64_t n = 2, c = 6, s = 10;
    auto x = RandomFloats(rng, n * c * s);
    auto scale = RandomFloats(rng, c), bias = RandomFloats(rng, c), mean = RandomFloats(rng, c);
    auto var = RandomFloats(rng, c, 0.1f, 2.0f);
    auto want = Sentinel(x.size()), got = Sentinel(x.size());
    reference::BatchNormInference(layout, n, c, s, x.data(), scale.data(), bias.data(), mean.data(),
                                  var.data(), 1e-5f, want.data());
    BatchNormInference<float>(layout, n, c, s, x.data(), scale.data(), bias.data(), mean.data(),
                              var.data(), 1e-5f, got.data());
    EXPECT_TRUE(AllClose(got, want, 1e-5f, 1e-5f)) << "layout=" << static_cast<int>(layout);
  }
}

}  // namespace
}  // namespace ferry::kernels

namespace ferry::kernels {
namespace {

TEST(LayerNormTest, MatchesReferenceAndReturnsStatistics) {
  std::mt19937 rng(testing::TestSeed() + 3);
  for (int iter = 0; iter < 50; ++iter) {
    const int64_t outer = testing::RandInt(rng, 1, 6), inner = testing::RandInt(rng, 1, 40);
    const bool with_bias = testing::RandInt(rng, 0, 1);
    auto x = testing::RandomFloats(rng, outer * inner, -3.0f, 3.0f);
    auto scale = testing::RandomFloats(rng, inner), bias = testing::RandomFloats(rng, inner);
    auto want = testing::Sentinel(x.size()), got = testing::Sentinel(x.size());
    auto mean = testing::Sentinel(outer), inv = testing::Sentinel(outer);
    reference::LayerNorm(x.data(), outer, inner, scale.data(), with_bias ? bias.data() : nullptr,
                         1e-5f, want.data());
    LayerNorm<float>(x.data(), outer, inner, scale.data(), with_bias ? bias.data() : nullptr, 1e-5f,
                     got.data(), mean.data(), inv.data());
    EXPECT_TRUE(testing::AllClose(got, want, 1e-4f, 1e-4f))
        << "outer=" << outer << " inner=" << inner << " bias=" << with_bias;
    double mu = 0;
    for (int64_t i = 0; i < inner; ++i) mu += x[i];
    EXPECT_NEAR(mean[0], mu / inner, 1e-5) << "inner=" << inner;
  }
}

TEST(LayerNormTest, StepsMatchTheSeparateOpsBitwise) {
  // LayerNormSteps must round exactly as ReduceMean, Sub, Pow, ReduceMean, Add, Sqrt, Div,
  // Mul and Add do one after the other (the kernels those ONNX ops run).
  std::mt19937 rng(testing::TestSeed() + 5);
  for (int iter = 0; iter < 20; ++iter) {
    const int64_t outer = RandInt(rng, 1, 9), inner = RandInt(rng, 1, 80);
    const float eps = 1e-5f;
    auto x = RandomFloats(rng, outer * inner, -3.0f, 5.0f);
    auto scale = RandomFloats(rng, inner), bias = RandomFloats(rng, inner);
    const std::vector<int64_t> xs = {outer, inner};
    std::vector<float> mean(outer), d(outer * inner), p(outer * inner), var(outer), s(outer),
        want(outer * inner);
    Reduce<float>(ReduceOp::kMean, x.data(), xs, {1}, mean.data());
    for (int64_t i = 0; i < outer * inner; ++i) d[i] = x[i] - mean[i / inner];
    for (int64_t i = 0; i < outer * inner; ++i)
      p[i] = static_cast<float>(std::pow(static_cast<double>(d[i]), 2.0));
    Reduce<float>(ReduceOp::kMean, p.data(), xs, {1}, var.data());
    for (int64_t o = 0; o < outer; ++o) s[o] = std::sqrt(var[o] + eps);
    for (int64_t i = 0; i < outer * inner; ++i) {
      const float n = d[i] / s[i / inner];
      const float m = n * scale[i % inner];
      want[i] = m + bias[i % inner];
    }
    auto got = Sentinel(outer * inner);
    LayerNormSteps(x.data(), outer, inner, scale.data(), inner, bias.data(), inner, eps,
                   got.data());
    for (int64_t i = 0; i < outer * inner; ++i)
      ASSERT_EQ(got[i], want[i]) << "outer=" << outer << " inner=" << inner << " element " << i;
  }
}

}  // namespace
}  // namespace ferry::kernels
