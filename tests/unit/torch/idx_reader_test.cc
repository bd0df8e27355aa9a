#include "torch/idx_reader.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdint>
#include <fstream>
#include <string>
#include <vector>

#include "test_util.h"

namespace ferry::torch {
namespace {

using testing_util::ScratchDir;

void PutBe32(std::vector<uint8_t>& b, uint32_t v) {
  for (int s = 24; s >= 0; s -= 8) b.push_back(static_cast<uint8_t>(v >> s));
}

// An IDX file: magic 0x000008<rank>, big-endian dims, then the bytes i * 7 + 1 (mod 256).
std::vector<uint8_t> MakeIdx(std::vector<uint32_t> dims, int64_t data_bytes = -1) {
  std::vector<uint8_t> b = {0, 0, 0x08, static_cast<uint8_t>(dims.size())};
  int64_t n = 1;
  for (uint32_t d : dims) {
    PutBe32(b, d);
    n *= d;
  }
  if (data_bytes < 0) data_bytes = n;
  for (int64_t i = 0; i < data_bytes; ++i) b.push_back(static_cast<uint8_t>(i * 7 + 1));
  return b;
}

void WriteRaw(const std::string& path, const std::vector<uint8_t>& bytes) {
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

void WriteGz(const std::string& path, const std::vector<uint8_t>& bytes) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(gzwrite(f, bytes.data(), bytes.size()), static_cast<int>(bytes.size()));
  ASSERT_EQ(gzclose(f), Z_OK);
}

void ExpectError(const StatusOr<Tensor>& r, const std::string& path, const std::string& what) {
  ASSERT_FALSE(r.ok()) << path;
  const std::string m = r.status().message();
  EXPECT_NE(m.find(path), std::string::npos) << m;
  EXPECT_NE(m.find(what), std::string::npos) << m;
  EXPECT_EQ(m.find('\n'), std::string::npos) << "one line: " << m;
}

TEST(IdxReaderTest, ReadsRawAndGzippedImagesAndLabels) {
  ScratchDir dir;
  const auto images = MakeIdx({3, 4, 5});
  for (bool gz : {false, true}) {
    const std::string path = dir.file(gz ? "img.gz" : "img");
    if (gz) {
      WriteGz(path, images);
    } else {
      WriteRaw(path, images);
    }
    auto t = ReadIdxFile(path, 3);
    ASSERT_TRUE(t.ok()) << t.status().ToString();
    EXPECT_EQ(t->dtype(), DataType::kUInt8);
    EXPECT_EQ(t->shape(), (Shape{3, 4, 5})) << path;
    for (int64_t i = 0; i < 60; ++i) {
      ASSERT_EQ(t->data<uint8_t>()[i], static_cast<uint8_t>(i * 7 + 1)) << path << " byte " << i;
    }
  }
}

TEST(IdxReaderTest, TruncatedBadMagicAndMissingAreOneLineErrors) {
  ScratchDir dir;
  const std::string short_data = dir.file("short");
  WriteRaw(short_data, MakeIdx({2, 3, 3}, 10));
  ExpectError(ReadIdxFile(short_data, 3), short_data, "truncated");

  const std::string short_gz = dir.file("short.gz");
  WriteGz(short_gz, MakeIdx({2, 3, 3}, 17));
  ExpectError(ReadIdxFile(short_gz, 3), short_gz, "found 17");

  // A gzip stream cut in the middle: zlib reports the unexpected end.
  const std::string cut_gz = dir.file("cut.gz");
  WriteGz(cut_gz, MakeIdx({50, 28, 28}));
  std::filesystem::resize_file(cut_gz, std::filesystem::file_size(cut_gz) / 2);
  ASSERT_FALSE(ReadIdxFile(cut_gz, 3).ok());
  EXPECT_NE(ReadIdxFile(cut_gz, 3).status().message().find(cut_gz), std::string::npos);

  const std::string header_only = dir.file("header");
  WriteRaw(header_only, {0, 0, 8, 3, 0, 0});
  ExpectError(ReadIdxFile(header_only, 3), header_only, "header");

  const std::string labels = dir.file("labels");
  WriteRaw(labels, MakeIdx({4}));
  ExpectError(ReadIdxFile(labels, 3), labels, "bad magic 0x00000801, expected 0x00000803");

  const std::string floats = dir.file("floats");
  WriteRaw(floats, {0, 0, 0x0d, 1, 0, 0, 0, 0});
  ExpectError(ReadIdxFile(floats, 1), floats, "bad magic 0x00000d01");

  ExpectError(ReadIdxFile(dir.file("absent"), 1), dir.file("absent"), "does not exist");
}

TEST(IdxReaderTest, ReadMnistFindsFilesAndChecksCounts) {
  ScratchDir dir;
  WriteGz(dir.file("train-images-idx3-ubyte.gz"), MakeIdx({6, 28, 28}));
  WriteRaw(dir.file("train-labels-idx1-ubyte"), MakeIdx({6}));
  auto d = ReadMnist(dir.path(), MnistSplit::kTrain);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->size(), 6);
  EXPECT_EQ(d->images.shape(), (Shape{6, 28, 28}));

  // t10k: the label file is missing.
  WriteRaw(dir.file("t10k-images-idx3-ubyte"), MakeIdx({2, 28, 28}));
  auto missing = ReadMnist(dir.path(), MnistSplit::kTest);
  ASSERT_FALSE(missing.ok());
  EXPECT_NE(missing.status().message().find("t10k-labels-idx1-ubyte"), std::string::npos)
      << missing.status().message();

  // Count mismatch: 2 images, 3 labels.
  WriteRaw(dir.file("t10k-labels-idx1-ubyte"), MakeIdx({3}));
  auto mismatch = ReadMnist(dir.path(), MnistSplit::kTest);
  ASSERT_FALSE(mismatch.ok());
  EXPECT_NE(mismatch.status().message().find("3 labels"), std::string::npos)
      << mismatch.status().message();
  EXPECT_NE(mismatch.status().message().find("2 images"), std::string::npos);

  auto no_dir = ReadMnist(dir.file("nope"), MnistSplit::kTrain);
  ASSERT_FALSE(no_dir.ok());
  EXPECT_EQ(no_dir.status().code(), StatusCode::kNotFound);
  EXPECT_NE(no_dir.status().message().find(dir.file("nope")), std::string::npos);
}

TEST(IdxReaderTest, ReadsDebianFashionMnist) {
  if (!testing_util::HaveFashionMnist()) GTEST_SKIP() << "dataset-fashion-mnist not installed";
  auto d = ReadMnist(kDefaultMnistDir, MnistSplit::kTest);
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->images.shape(), (Shape{10000, 28, 28}));
  // Fashion-MNIST's test set is balanced: 1,000 images per class.
  std::vector<int> counts(10, 0);
  for (int64_t i = 0; i < d->size(); ++i) counts.at(d->labels.data<uint8_t>()[i])++;
  for (int c = 0; c < 10; ++c) EXPECT_EQ(counts[c], 1000) << "class " << c;
}

}  // namespace
}  // namespace ferry::torch
