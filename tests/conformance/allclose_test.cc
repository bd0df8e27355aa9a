#include "allclose.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

namespace ferry::conformance {
namespace {

const Tolerance kTol;  // rtol 1e-3, atol 1e-5

Tensor F(std::vector<float> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector<float>(v, Shape{n});
}

TEST(AllCloseTest, FloatsFollowNumpyAssertAllclose) {
  // |a - d| <= atol + rtol * |d|, with d the desired value.
  EXPECT_EQ(AllCloseMismatch(F({1000.0f}), F({1000.9f}), kTol), "");
  EXPECT_NE(AllCloseMismatch(F({1000.0f}), F({1001.2f}), kTol), "");
  EXPECT_EQ(AllCloseMismatch(F({0.0f}), F({9e-6f}), kTol), "");
  EXPECT_NE(AllCloseMismatch(F({0.0f}), F({2e-5f}), kTol), "");
}

TEST(AllCloseTest, NanAndInfinity) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const float inf = std::numeric_limits<float>::infinity();
  EXPECT_EQ(AllCloseMismatch(F({nan, inf, -inf}), F({nan, inf, -inf}), kTol), "");
  EXPECT_NE(AllCloseMismatch(F({nan}), F({1.0f}), kTol), "");
  EXPECT_NE(AllCloseMismatch(F({1.0f}), F({nan}), kTol), "");
  EXPECT_NE(AllCloseMismatch(F({inf}), F({-inf}), kTol), "");
  EXPECT_NE(AllCloseMismatch(F({3e38f}), F({inf}), kTol), "");
}

TEST(AllCloseTest, IntegersBoolsAndStringsAreExact) {
  auto i64 = [](int64_t v) { return Tensor::FromVector<int64_t>({v}, Shape{1}); };
  // 2^53 + 1 and 2^53 are equal as doubles; they must still differ.
  EXPECT_NE(AllCloseMismatch(i64((int64_t{1} << 53) + 1), i64(int64_t{1} << 53), kTol), "");
  EXPECT_EQ(AllCloseMismatch(i64(-5), i64(-5), kTol), "");
  auto i32 = [](int32_t v) { return Tensor::FromVector<int32_t>({v}, Shape{1}); };
  EXPECT_NE(AllCloseMismatch(i32(100000), i32(100001), kTol), "");
  auto b = [](bool v) { return Tensor::FromVector<bool>({v}, Shape{1}); };
  EXPECT_NE(AllCloseMismatch(b(true), b(false), kTol), "");
  Tensor s1(DataType::kString, Shape{2}), s2(DataType::kString, Shape{2});
  s1.strings() = {"a", "b"};
  s2.strings() = {"a", "c"};
  const std::string m = AllCloseMismatch(s1, s2, kTol);
  EXPECT_NE(m.find("'b', expected 'c'"), std::string::npos) << m;
}

TEST(AllCloseTest, DtypeShapeAndMissingValuesAreReported) {
  EXPECT_NE(AllCloseMismatch(F({1, 2}), Tensor::FromVector<double>({1, 2}, Shape{2}), kTol)
                .find("dtype float32, expected float64"),
            std::string::npos);
  Tensor m = Tensor::FromVector<float>({1, 2, 3, 4}, Shape{2, 2});
  EXPECT_NE(AllCloseMismatch(F({1, 2, 3, 4}), m, kTol).find("shape"), std::string::npos);
  EXPECT_NE(AllCloseMismatch(Tensor(), m, kTol), "");
  // The message locates the first bad element by its multi-index and counts all of them.
  Tensor got = Tensor::FromVector<float>({1, 2, 0, 0}, Shape{2, 2});
  const std::string msg = AllCloseMismatch(got, m, kTol);
  EXPECT_NE(msg.find("2 of 4 elements differ; first at [1,0]"), std::string::npos) << msg;
}

}  // namespace
}  // namespace ferry::conformance
