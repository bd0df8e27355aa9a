#include "kernels/gemm.h"

#include "kernels/reference/gemm.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;
using testing::ShapeStr;

TEST(GemmTest, MatchesReferenceWithTransposesAndBroadcastC) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 100; ++iter) {
    GemmParams p;
    p.m = RandInt(rng, 1, 17);
    p.n = RandInt(rng, 1, 17);
    p.k = RandInt(rng, 1, 33);
    p.trans_a = RandInt(rng, 0, 1);
    p.trans_b = RandInt(rng, 0, 1);
    p.alpha = RandInt(rng, 0, 1) ? 1.0f : 0.5f;
    p.beta = RandInt(rng, 0, 1) ? 1.0f : 2.0f;
    const int c_kind = static_cast<int>(RandInt(rng, 0, 4));
    const std::vector<std::vector<int64_t>> c_shapes = {{}, {p.n}, {1, p.n}, {p.m, 1}, {p.m, p.n}};
    p.c_shape = c_shapes[c_kind];
    const bool has_c = RandInt(rng, 0, 3) != 0;
    if (RandInt(rng, 0, 2) == 0) p.activation.kind = Activation::kRelu;
    auto a = RandomFloats(rng, p.m * p.k), b = RandomFloats(rng, p.k * p.n);
    auto c = RandomFloats(rng, reference::NumElements(p.c_shape));
    auto want = Sentinel(p.m * p.n), got = Sentinel(p.m * p.n);
    reference::Gemm(p, a.data(), b.data(), has_c ? c.data() : nullptr, want.data());
    ASSERT_TRUE(Gemm(p, a.data(), b.data(), has_c ? c.data() : nullptr, got.data(), 2).ok());
    EXPECT_TRUE(AllClose(got, want))
        << "m=" << p.m << " n=" << p.n << " k=" << p.k << " tA=" << p.trans_a << " tB=" << p.trans_b
        << " alpha=" << p.alpha << " beta=" << p.beta
        << " c=" << (has_c ? ShapeStr(p.c_shape) : "none");
  }
}

TEST(MatMulTest, BatchedBroadcastingMatchesReference) {
  std::mt19937 rng(testing::TestSeed() + 1);
  for (int iter = 0; iter < 100; ++iter) {
    const int64_t m = RandInt(rng, 1, 6), n = RandInt(rng, 1, 6), k = RandInt(rng, 1, 9);
    std::vector<int64_t> a = {m, k}, b = {k, n};
    const int ra = static_cast<int>(RandInt(rng, 0, 2)), rb = static_cast<int>(RandInt(rng, 0, 2));
    std::vector<int64_t> batch = {RandInt(rng, 1, 3), RandInt(rng, 1, 3)};
    for (int i = 0; i < ra; ++i) a.insert(a.begin(), RandInt(rng, 0, 1) ? batch[1 - i] : 1);
    for (int i = 0; i < rb; ++i) b.insert(b.begin(), RandInt(rng, 0, 1) ? batch[1 - i] : 1);
    if (RandInt(rng, 0, 5) == 0) a = {k};  // vector operands
    if (RandInt(rng, 0, 5) == 0) b = {k};
    auto shape = MatMulShape(a, b);
    ASSERT_TRUE(shape.ok()) << ShapeStr(a) << " @ " << ShapeStr(b) << ": "
                            << shape.status().ToString();
    auto av = RandomFloats(rng, reference::NumElements(a));
    auto bv = RandomFloats(rng, reference::NumElements(b));
    const int64_t ny = reference::NumElements(*shape);
    auto want = Sentinel(ny), got = Sentinel(ny);
    reference::MatMul(av.data(), a, bv.data(), b, want.data());
    ASSERT_TRUE(MatMul<float>(av.data(), a, bv.data(), b, got.data(), 2).ok());
    EXPECT_TRUE(AllClose(got, want)) << ShapeStr(a) << " @ " << ShapeStr(b);
  }
}

TEST(MatMulTest, ShapeRules) {
  EXPECT_EQ(*MatMulShape({3}, {3}), std::vector<int64_t>{});
  EXPECT_EQ(*MatMulShape({2, 3}, {3}), std::vector<int64_t>{2});
  EXPECT_EQ(*MatMulShape({3}, {3, 4}), std::vector<int64_t>{4});
  EXPECT_EQ(*MatMulShape({5, 1, 2, 3}, {4, 3, 6}), (std::vector<int64_t>{5, 4, 2, 6}));
  EXPECT_FALSE(MatMulShape({2, 3}, {4, 5}).ok());
  EXPECT_FALSE(MatMulShape({2, 2, 3}, {3, 3, 5}).ok());
}

TEST(MatMulTest, Int64HandComputed) {
  std::vector<int64_t> a = {1, 2, 3, 4, 5, 6}, b = {7, 8, 9, 10, 11, 12};
  std::vector<int64_t> y(4, -1);
  ASSERT_TRUE(MatMul<int64_t>(a.data(), {2, 3}, b.data(), {3, 2}, y.data(), 1).ok());
  EXPECT_EQ(y, (std::vector<int64_t>{58, 64, 139, 154}));
}

TEST(ConstantWeightMatMulTest, MatchesReferenceWithBiasActivationAndBothWeightLayouts) {
  std::mt19937 rng(testing::TestSeed() + 7);
  for (int iter = 0; iter < 40; ++iter) {
    GemmParams p;
    p.n = RandInt(rng, 1, 40);
    p.k = RandInt(rng, 1, 70);
    p.trans_b = RandInt(rng, 0, 1);
    const bool has_bias = RandInt(rng, 0, 1);
    p.c_shape = {p.n};
    const int act = static_cast<int>(RandInt(rng, 0, 2));
    p.activation.kind = act == 0 ? Activation::kNone : act == 1 ? Activation::kRelu
                                                                : Activation::kSigmoid;
    auto b = RandomFloats(rng, p.k * p.n), bias = RandomFloats(rng, p.n);
    ConstantWeightMatMul mm;
    // Several calls with different m: one packed b, one primitive per m.
    for (int call = 0; call < 3; ++call) {
      p.m = RandInt(rng, 1, 70);
      auto a = RandomFloats(rng, p.m * p.k);
      auto want = Sentinel(p.m * p.n), got = Sentinel(p.m * p.n);
      reference::Gemm(p, a.data(), b.data(), has_bias ? bias.data() : nullptr, want.data());
      ASSERT_TRUE(mm.Run(p.m, p.n, p.k, p.trans_b, a.data(), b.data(),
                         has_bias ? bias.data() : nullptr, p.activation, got.data(), 2)
                      .ok());
      EXPECT_TRUE(AllClose(got, want)) << "m=" << p.m << " n=" << p.n << " k=" << p.k
                                       << " tB=" << p.trans_b << " bias=" << has_bias
                                       << " act=" << act;
    }
  }
}

}  // namespace
}  // namespace ferry::kernels
