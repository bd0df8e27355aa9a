#include "kernels/elementwise.h"

#include "kernels/reference/elementwise.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;
using testing::ShapeStr;

// Two random shapes that broadcast against each other.
std::pair<std::vector<int64_t>, std::vector<int64_t>> RandomBroadcastPair(std::mt19937& rng) {
  const int rank = static_cast<int>(RandInt(rng, 0, 4));
  std::vector<int64_t> out(rank);
  for (auto& d : out) d = RandInt(rng, 1, 5);
  auto derive = [&]() {
    std::vector<int64_t> s = out;
    for (auto& d : s)
      if (RandInt(rng, 0, 2) == 0) d = 1;
    const int drop = static_cast<int>(RandInt(rng, 0, rank));
    s.erase(s.begin(), s.begin() + drop);
    return s;
  };
  return {derive(), derive()};
}

TEST(ElementwiseTest, BinaryMatchesReferenceUnderBroadcasting) {
  std::mt19937 rng(testing::TestSeed());
  const BinaryOp ops[] = {BinaryOp::kAdd, BinaryOp::kSub, BinaryOp::kMul, BinaryOp::kDiv,
                          BinaryOp::kMax, BinaryOp::kMin, BinaryOp::kPow};
  for (int iter = 0; iter < 300; ++iter) {
    auto [as, bs] = RandomBroadcastPair(rng);
    const BinaryOp op = ops[RandInt(rng, 0, 6)];
    auto a = RandomFloats(rng, reference::NumElements(as), 0.5f, 2.0f);
    auto b = RandomFloats(rng, reference::NumElements(bs), 0.5f, 2.0f);
    auto out = reference::BroadcastShape(as, bs);
    const int64_t n = reference::NumElements(out);
    auto want = Sentinel(n), got = Sentinel(n);
    reference::Binary(op, a.data(), as, b.data(), bs, want.data());
    ASSERT_TRUE(Binary<float>(op, a.data(), as, b.data(), bs, got.data()).ok());
    EXPECT_TRUE(AllClose(got, want, 1e-6f, 1e-5f))
        << "op=" << static_cast<int>(op) << " a=" << ShapeStr(as) << " b=" << ShapeStr(bs);
  }
}

TEST(ElementwiseTest, IntegerBinaryAndDivisionByZero) {
  std::vector<int64_t> a = {7, -7, 9}, b = {2}, y(3, 0);
  ASSERT_TRUE(Binary<int64_t>(BinaryOp::kDiv, a.data(), {3}, b.data(), {1}, y.data()).ok());
  EXPECT_EQ(y, (std::vector<int64_t>{3, -3, 4}));  // truncation toward zero
  std::vector<int64_t> zero = {0};
  EXPECT_FALSE(Binary<int64_t>(BinaryOp::kDiv, a.data(), {3}, zero.data(), {1}, y.data()).ok());
  EXPECT_FALSE(BroadcastShapes({2, 3}, {4, 3}).ok());
}

TEST(ElementwiseTest, CompareAndWhereBroadcast) {
  std::mt19937 rng(testing::TestSeed() + 1);
  for (int iter = 0; iter < 100; ++iter) {
    auto [as, bs] = RandomBroadcastPair(rng);
    std::vector<int64_t> a(reference::NumElements(as)), b(reference::NumElements(bs));
    for (auto& v : a) v = RandInt(rng, 0, 3);
    for (auto& v : b) v = RandInt(rng, 0, 3);
    auto out = reference::BroadcastShape(as, bs);
    const int64_t n = reference::NumElements(out);
    std::unique_ptr<bool[]> want(new bool[n]), got(new bool[n]);
    for (CompareOp op : {CompareOp::kEqual, CompareOp::kLess, CompareOp::kGreater}) {
      reference::Compare(op, a.data(), as, b.data(), bs, want.get());
      Compare<int64_t>(op, a.data(), as, b.data(), bs, got.get());
      for (int64_t i = 0; i < n; ++i)
        ASSERT_EQ(got[i], want[i]) << "op=" << static_cast<int>(op) << " a=" << ShapeStr(as)
                                   << " b=" << ShapeStr(bs) << " i=" << i;
    }
    // Where(a < b, a, b) is the elementwise minimum.
    reference::Compare(CompareOp::kLess, a.data(), as, b.data(), bs, want.get());
    std::vector<int64_t> y(n, -1), mn(n, -2);
    Where<int64_t>(want.get(), out, a.data(), as, b.data(), bs, out, y.data());
    reference::Binary(BinaryOp::kMin, a.data(), as, b.data(), bs, mn.data());
    EXPECT_EQ(y, mn) << "a=" << ShapeStr(as) << " b=" << ShapeStr(bs);
  }
}

TEST(ElementwiseTest, BroadcastToCopiesAlongBroadcastDims) {
  std::vector<float> x = {1, 2, 3};
  auto y = Sentinel(6);
  BroadcastTo(x.data(), {3, 1}, sizeof(float), {3, 2}, y.data());
  EXPECT_EQ(y, (std::vector<float>{1, 1, 2, 2, 3, 3}));
  auto z = Sentinel(6);
  BroadcastTo(x.data(), {3}, sizeof(float), {2, 3}, z.data());
  EXPECT_EQ(z, (std::vector<float>{1, 2, 3, 1, 2, 3}));
}

TEST(ElementwiseTest, UnaryFormulas) {
  std::vector<float> x = {-3.0f, -0.5f, 0.0f, 0.5f, 3.0f, 4.0f};
  struct Case {
    UnaryParams p;
    float (*f)(float);
  };
  const Case cases[] = {
      {{UnaryOp::kRelu}, [](float v) { return v > 0 ? v : 0.0f; }},
      {{UnaryOp::kSigmoid}, [](float v) { return 1.0f / (1.0f + std::exp(-v)); }},
      {{UnaryOp::kTanh}, [](float v) { return std::tanh(v); }},
      {{UnaryOp::kErf}, [](float v) { return std::erf(v); }},
      {{UnaryOp::kNeg}, [](float v) { return -v; }},
      {{UnaryOp::kAbs}, [](float v) { return std::fabs(v); }},
      {{UnaryOp::kExp}, [](float v) { return std::exp(v); }},
      {{UnaryOp::kHardSwish},
       [](float v) { return v * std::min(6.0f, std::max(0.0f, v + 3)) / 6; }},
      {{UnaryOp::kClip, -1.0f, 0.75f}, [](float v) { return std::min(0.75f, std::max(-1.0f, v)); }},
      {{UnaryOp::kLeakyRelu, 0.1f}, [](float v) { return v < 0 ? 0.1f * v : v; }},
      {{UnaryOp::kHardSigmoid, 0.2f, 0.5f},
       [](float v) { return std::min(1.0f, std::max(0.0f, 0.2f * v + 0.5f)); }},
  };
  for (const Case& c : cases) {
    auto y = Sentinel(x.size());
    Unary<float>(c.p, x.data(), y.data(), static_cast<int64_t>(x.size()));
    std::vector<float> want(x.size());
    for (size_t i = 0; i < x.size(); ++i) want[i] = c.f(x[i]);
    EXPECT_TRUE(AllClose(y, want, 1e-6f, 1e-6f)) << "op=" << static_cast<int>(c.p.op);
  }
}

}  // namespace
}  // namespace ferry::kernels
