#include "core/tensor.h"

#include <gtest/gtest.h>

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>

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

// A file holding 7 junk bytes, then the floats 0, 1, ..., n-1.
std::string FloatFile(const std::string& name, int n) {
  const std::string path = (std::filesystem::temp_directory_path() /
                            (name + "." + std::to_string(::getpid())))
                               .string();
  std::ofstream out(path, std::ios::binary);
  out.write("junk..!", 7);
  for (int i = 0; i < n; ++i) {
    const float f = static_cast<float>(i);
    out.write(reinterpret_cast<const char*>(&f), 4);
  }
  return path;
}

TEST(TensorTest, FromFileReadsOnFirstAccessAndSharesWithCopies) {
  const std::string path = FloatFile("lazy", 1000);
  auto file = OpenFile::Open(path);
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  Tensor t = Tensor::FromFile(DataType::kFloat32, Shape{10, 100}, *file, 7);
  std::filesystem::remove(path);  // the open file still reads
  EXPECT_EQ(t.NumBytes(), 4000u);
  Tensor copy = t;                          // before the read: shares it
  auto flat = t.Reshaped(Shape{1000});  // so does a reshape
  ASSERT_TRUE(flat.ok());
  const Tensor& ct = t;
  EXPECT_EQ(ct.data<float>()[0], 0.f);
  EXPECT_EQ(ct.data<float>()[999], 999.f);
  EXPECT_EQ(reinterpret_cast<uintptr_t>(ct.raw_data()) % 64, 0u);
  EXPECT_EQ(static_cast<const Tensor&>(copy).raw_data(), ct.raw_data());
  EXPECT_EQ(static_cast<const Tensor&>(*flat).raw_data(), ct.raw_data());
  // Read, not written: the values are still the file's.
  ASSERT_TRUE(ct.file_range().has_value());
  EXPECT_EQ(ct.file_range()->offset, 7u);
  EXPECT_EQ(ct.file_range()->file, file->get());
  Tensor clone = ct.Clone();
  EXPECT_FALSE(clone.file_range().has_value());
  EXPECT_EQ(clone.data<float>()[5], 5.f);
  // Written through any copy: no longer the file's, for all of them.
  copy.data<float>()[3] = -1.f;
  EXPECT_FALSE(ct.file_range().has_value());
  EXPECT_FALSE(flat->file_range().has_value());
  EXPECT_EQ(ct.data<float>()[3], -1.f);
  EXPECT_FALSE(Tensor::FromVector<float>({1}, Shape{1}).file_range().has_value());
  EXPECT_TRUE(LazyReadStatus().ok());
}

// A file that got shorter since the tensor was made: the read fills zeros and the error
// sticks (writers check it). In a child process, since the error is process-wide.
TEST(TensorDeathTest, FromFileOfAShortenedFileRecordsTheError) {
  const std::string path = FloatFile("lazy_short", 10);
  EXPECT_EXIT(
      {
        auto file = OpenFile::Open(path);
        if (!file.ok()) std::exit(1);
        Tensor t = Tensor::FromFile(DataType::kFloat32, Shape{20}, *file, 7);
        const Tensor& ct = t;
        const bool zeros = ct.data<float>()[19] == 0.f && ct.data<float>()[0] == 0.f;
        const Status s = LazyReadStatus();
        std::fprintf(stderr, "%s\n", s.message().c_str());
        std::exit(!s.ok() && zeros ? 3 : 4);
      },
      ::testing::ExitedWithCode(3), "lazy_short.*got shorter.*changed while in use");
  std::filesystem::remove(path);
}

}  // namespace
}  // namespace ferry
