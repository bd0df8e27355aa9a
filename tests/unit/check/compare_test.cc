#include "check/compare.h"

#include <gtest/gtest.h>

#include <cmath>

#include "check/check.h"

namespace ferry::check {
namespace {

TEST(CompareTest, AllcloseSemanticsUseDesiredMagnitude) {
  // |b - a| <= atol + rtol*|a|: with a=1000, rtol 1e-3 allows 1.0 + 1e-5.
  Tensor a = Tensor::FromVector<float>({1000.0f, 0.0f}, Shape{2});
  Tensor ok = Tensor::FromVector<float>({1000.9f, 5e-6f}, Shape{2});
  Tensor bad = Tensor::FromVector<float>({1001.5f, 2e-5f}, Shape{2});
  Comparison c1 = Compare("y", a, ok, Tolerance{});
  EXPECT_TRUE(c1.pass());
  EXPECT_NEAR(c1.max_abs_error, 0.9, 1e-3);
  Comparison c2 = Compare("y", a, bad, Tolerance{});
  EXPECT_FALSE(c2.pass());
  EXPECT_EQ(c2.num_mismatched, 2);
  EXPECT_NEAR(c2.max_rel_error, 1.5e-3, 1e-5);
}

TEST(CompareTest, NaNMustSitAtTheSamePlace) {
  Tensor a = Tensor::FromVector<float>({NAN, 1.0f}, Shape{2});
  EXPECT_TRUE(Compare("y", a, Tensor::FromVector<float>({NAN, 1.0f}, Shape{2}), {}).pass());
  EXPECT_FALSE(Compare("y", a, Tensor::FromVector<float>({0.0f, 1.0f}, Shape{2}), {}).pass());
}

TEST(CompareTest, ShapeMismatchFails) {
  Tensor a = Tensor::Zeros(DataType::kFloat32, Shape{2, 3});
  Tensor b = Tensor::Zeros(DataType::kFloat32, Shape{3, 2});
  Comparison c = Compare("y", a, b, {});
  EXPECT_FALSE(c.shape_match);
  EXPECT_FALSE(c.pass());
}

TEST(CompareTest, IntegersAreExact) {
  Tensor a = Tensor::FromVector<int64_t>({5, 7}, Shape{2});
  Tensor b = Tensor::FromVector<int64_t>({5, 8}, Shape{2});
  EXPECT_EQ(Compare("y", a, b, {}).num_mismatched, 1);
}

TEST(MakeInputsTest, SeededAndShapedFromSpecs) {
  std::vector<TensorSpec> specs = {{"input", DataType::kFloat32, {-1, 1, 28, 28}}};
  auto x = MakeInputs(specs, 3, 7);
  auto y = MakeInputs(specs, 3, 7);
  auto z = MakeInputs(specs, 3, 8);
  ASSERT_TRUE(x.ok() && y.ok() && z.ok());
  EXPECT_EQ((*x)[0].shape(), (Shape{3, 1, 28, 28}));
  EXPECT_EQ((*x)[0].data<float>()[5], (*y)[0].data<float>()[5]);
  EXPECT_NE((*x)[0].data<float>()[5], (*z)[0].data<float>()[5]);
}

TEST(MakeInputsTest, SpecMismatchIsNamed) {
  TensorSpec s{"input", DataType::kFloat32, {-1, 1, 28, 28}};
  Status st = CheckInputMatchesSpec(s, Tensor::Zeros(DataType::kFloat32, Shape{1, 28, 28}));
  EXPECT_FALSE(st.ok());
  EXPECT_NE(st.message().find("input 'input'"), std::string::npos);
  EXPECT_FALSE(CheckInputMatchesSpec(s, Tensor::Zeros(DataType::kFloat64, Shape{1, 1, 28, 28})).ok());
  EXPECT_TRUE(CheckInputMatchesSpec(s, Tensor::Zeros(DataType::kFloat32, Shape{4, 1, 28, 28})).ok());
}

}  // namespace
}  // namespace ferry::check
