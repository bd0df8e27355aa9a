#include "core/tensor.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ferry {
namespace {

TEST(ShapeTest, ValidateRejectsOverflowAndCap) {
  EXPECT_TRUE(Shape::Validate({2, 3}, 4, 1 << 20).ok());
  EXPECT_EQ(Shape::Validate({-1, 3}, 4, 1 << 20).code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(Shape::Validate({int64_t{1} << 40, int64_t{1} << 40}, 4, Tensor::kMaxBytes).code(),
            StatusCode::kOutOfRange);
  EXPECT_EQ(Shape::Validate({1 << 20, 1 << 10}, 4, 1 << 20).code(), StatusCode::kOutOfRange);
}

TEST(TensorTest, CreateChecksCapBeforeAllocating) {
  auto t = Tensor::Create(DataType::kFloat32, Shape{int64_t{1} << 40});
  EXPECT_FALSE(t.ok());
  auto u = Tensor::Create(DataType::kFloat32, Shape{2, 3});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->NumBytes(), 24u);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(u->raw_data()) % 64, 0u);
}

TEST(TensorTest, CopySharesCloneCopies) {
  Tensor a = Tensor::FromVector<float>({1, 2, 3}, Shape{3});
  Tensor b = a;
  Tensor c = a.Clone();
  a.data<float>()[0] = 7;
  EXPECT_EQ(b.data<float>()[0], 7);
  EXPECT_EQ(c.data<float>()[0], 1);
}

TEST(TensorTest, ReshapedKeepsCountAndRefusesOthers) {
  Tensor a = Tensor::Zeros(DataType::kInt64, Shape{2, 6});
  EXPECT_TRUE(a.Reshaped(Shape{3, 4}).ok());
  EXPECT_FALSE(a.Reshaped(Shape{5}).ok());
}

TEST(HalfTest, RoundTripsRepresentableValues) {
  for (float f : {0.0f, 1.0f, -2.5f, 65504.0f, 6.1035156e-05f, 5.9604645e-08f, 0.333251953125f}) {
    EXPECT_EQ(HalfToFloat(FloatToHalf(f)), f) << f;
  }
  EXPECT_TRUE(std::isinf(HalfToFloat(FloatToHalf(1e6f))));
  EXPECT_TRUE(std::isnan(HalfToFloat(FloatToHalf(NAN))));
  EXPECT_EQ(BFloat16ToFloat(FloatToBFloat16(1.5f)), 1.5f);
}

}  // namespace
}  // namespace ferry
