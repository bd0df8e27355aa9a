#include "kernels/vector_math.h"

#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>

#include "kernels/reference/reduce.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::RandInt;
using testing::RandomFloats;

// Distance in units in the last place between two finite floats of the same sign.
int64_t UlpDistance(float a, float b) {
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  return std::abs(static_cast<int64_t>(ia) - ib);
}

TEST(VectorMathTest, ExpIsWithinTwoUlpOfLibm) {
  // Every 1/4096 step over the float range where exp is normal, and the edges.
  std::vector<float> x;
  for (double v = -87.0; v <= 88.5; v += 1.0 / 4096) x.push_back(static_cast<float>(v));
  std::vector<float> y(x.size());
  VectorExp(x.data(), y.data(), static_cast<int64_t>(x.size()));
  int64_t worst = 0;
  float at = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    const int64_t d = UlpDistance(y[i], std::exp(x[i]));
    if (d > worst) worst = d, at = x[i];
  }
  EXPECT_LE(worst, 2) << "at x = " << at;
}

TEST(VectorMathTest, ExpSpecialValues) {
  const float inf = std::numeric_limits<float>::infinity();
  const float nan = std::numeric_limits<float>::quiet_NaN();
  // 17 values: a full vector and a masked tail.
  std::vector<float> x = {-inf, inf, nan, 0.0f, -0.0f, -104.0f, -200.0f, 89.0f, 1e30f,
                          -1e30f, 1.0f, -1.0f, -87.5f, -100.0f, 88.72f, 0.5f, -inf};
  std::vector<float> y(x.size());
  VectorExp(x.data(), y.data(), static_cast<int64_t>(x.size()));
  EXPECT_EQ(y[0], 0.0f);
  EXPECT_EQ(y[1], inf);
  EXPECT_TRUE(std::isnan(y[2]));
  EXPECT_EQ(y[3], 1.0f);
  EXPECT_EQ(y[4], 1.0f);
  EXPECT_EQ(y[5], 0.0f);
  EXPECT_EQ(y[6], 0.0f);
  EXPECT_EQ(y[7], inf);
  EXPECT_EQ(y[8], inf);
  EXPECT_EQ(y[9], 0.0f);
  EXPECT_LE(UlpDistance(y[10], std::exp(1.0f)), 1);
  EXPECT_LE(UlpDistance(y[11], std::exp(-1.0f)), 1);
  // Subnormal results: gradual underflow, as libm (a subnormal has fewer bits to get right).
  EXPECT_NEAR(y[12], std::exp(-87.5f), 1e-44f);
  EXPECT_NEAR(y[13], std::exp(-100.0f), 2e-45f);
  EXPECT_LE(UlpDistance(y[14], std::exp(88.72f)), 2);
  EXPECT_EQ(y[16], 0.0f);
}

// Against reference::Softmax (libm exp, sequential sum): row lengths around the 16-lane
// vectors, attention-style -inf masks, a NaN row and an all -inf row; softmax and log.
TEST(VectorMathTest, SoftmaxRowsMatchesTheReference) {
  std::mt19937 rng(testing::TestSeed() + 7);
  const float inf = std::numeric_limits<float>::infinity();
  for (bool log : {false, true}) {
    for (int64_t n : {1, 5, 16, 17, 32, 40, 1000}) {
      const int64_t rows = 6;
      auto x = RandomFloats(rng, rows * n, -20.0f, 20.0f);
      for (int64_t i = 0; i < rows * n; ++i)
        if (RandInt(rng, 0, 5) == 0) x[i] = -inf;  // masked positions
      for (int64_t r = 0; r < 4; ++r) x[r * n] = 3.0f - r;  // rows 0-3 keep a finite value
      for (int64_t i = 0; i < n; ++i) x[4 * n + i] = -inf;  // row 4: all masked
      x[5 * n + n / 2] = std::numeric_limits<float>::quiet_NaN();  // row 5: NaN
      std::vector<float> want(rows * n), got(rows * n);
      reference::Softmax(x.data(), rows, n, 1, log, want.data());
      if (!SoftmaxRows(x.data(), rows, n, log, got.data())) GTEST_SKIP() << "no AVX-512";
      for (int64_t i = 0; i < rows * n; ++i) {
        const float w = want[i], g = got[i];
        if (std::isnan(w) || std::isinf(w)) {
          EXPECT_TRUE(std::isnan(w) ? std::isnan(g) : g == w) << "n=" << n << " i=" << i;
          continue;
        }
        // Log-softmax subtracts terms as large as x: its error follows |x|, not the result.
        const float scale = 1.0f + std::abs(w) + (log ? std::abs(x[i]) : 0.0f);
        EXPECT_NEAR(g, w, 1e-6f * scale) << "log=" << log << " n=" << n << " i=" << i;
      }
      // Each softmax row that is not all masked or NaN sums to 1.
      if (!log)
        for (int64_t r = 0; r < 4; ++r) {
          double s = 0;
          for (int64_t i = 0; i < n; ++i) s += got[r * n + i];
          EXPECT_NEAR(s, 1.0, 1e-5) << "row " << r << " n=" << n;
        }
    }
  }
}

}  // namespace
}  // namespace ferry::kernels
