#include "tf/tfevents.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>

namespace ferry::tf {
namespace {
namespace fs = std::filesystem;

std::string FreshDir(const std::string& name) {
  fs::path d =
      fs::temp_directory_path() / ("ferry_tfevents_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  return d.string();
}

std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

// RFC 3720 (iSCSI) appendix B.4 gives CRC-32C test vectors.
TEST(Crc32cTest, MatchesRfc3720Vectors) {
  EXPECT_EQ(Crc32c(std::string(32, '\0')), 0x8A9136AAu);
  EXPECT_EQ(Crc32c(std::string(32, '\xff')), 0x62A8AB43u);
  std::string inc(32, 0);
  for (int i = 0; i < 32; ++i) inc[i] = static_cast<char>(i);
  EXPECT_EQ(Crc32c(inc), 0x46DD794Eu);
  EXPECT_EQ(Crc32c("123456789"), 0xE3069283u);  // the CRC catalogue's check value
}

TEST(Crc32cTest, MaskRoundTrips) {
  std::mt19937 rng(7);
  for (int i = 0; i < 1000; ++i) {
    uint32_t c = rng();
    ASSERT_EQ(UnmaskCrc(MaskCrc(c)), c) << "crc " << c;
  }
  EXPECT_EQ(MaskCrc(0), 0xa282ead8u);
}

TEST(RecordTest, FramesLengthAndCrcs) {
  const std::string data = "hello";
  const std::string r = EncodeRecord(data);
  ASSERT_EQ(r.size(), 8 + 4 + data.size() + 4);
  uint64_t len = 0;
  std::memcpy(&len, r.data(), 8);  // little-endian host
  EXPECT_EQ(len, data.size());
  uint32_t len_crc = 0, data_crc = 0;
  std::memcpy(&len_crc, r.data() + 8, 4);
  std::memcpy(&data_crc, r.data() + 12 + data.size(), 4);
  EXPECT_EQ(UnmaskCrc(len_crc), Crc32c(r.substr(0, 8)));
  EXPECT_EQ(UnmaskCrc(data_crc), Crc32c(data));
  EXPECT_EQ(r.substr(12, data.size()), data);
}

TEST(EventFileTest, NameFollowsTensorBoardConvention) {
  EXPECT_EQ(EventFileName(1700000000.75, "box"), "events.out.tfevents.1700000000.box");
}

TEST(EventFileTest, WritesAndReadsBackScalars) {
  const std::string dir = FreshDir("roundtrip");
  auto w = EventWriter::Create(dir);
  ASSERT_TRUE(w.ok()) << w.status().message();
  const std::string path = (*w)->path();
  EXPECT_EQ(fs::path(path).filename().string().rfind("events.out.tfevents.", 0), 0u);
  std::vector<std::tuple<std::string, float, int64_t>> written;
  for (int64_t step = 1; step <= 20; ++step) {
    float loss = 2.0f / static_cast<float>(step) + 0.125f;
    ASSERT_TRUE((*w)->AddScalar("train_loss", loss, step, 1000.0 + step).ok());
    written.emplace_back("train_loss", loss, step);
  }
  ASSERT_TRUE((*w)->AddScalar("val_acc", 0.875f, 20, 2000.5).ok());
  written.emplace_back("val_acc", 0.875f, 20);
  ASSERT_TRUE((*w)->Close().ok());

  auto events = ReadEventFile(path);
  ASSERT_TRUE(events.ok()) << events.status().message();
  ASSERT_EQ(events->size(), written.size() + 1);
  EXPECT_EQ((*events)[0].file_version, kEventFileVersion);
  EXPECT_TRUE((*events)[0].scalars.empty());
  for (size_t i = 0; i < written.size(); ++i) {
    const EventRecord& e = (*events)[i + 1];
    ASSERT_EQ(e.scalars.size(), 1u) << "event " << i + 1;
    EXPECT_EQ(e.scalars[0].first, std::get<0>(written[i]));
    EXPECT_EQ(e.scalars[0].second, std::get<1>(written[i]));
    EXPECT_EQ(e.step, std::get<2>(written[i]));
  }
  EXPECT_DOUBLE_EQ((*events)[1].wall_time, 1001.0);
  EXPECT_DOUBLE_EQ(events->back().wall_time, 2000.5);
  EXPECT_EQ(FindEventFiles(dir), std::vector<std::string>{path});
  fs::remove_all(dir);
}

// Every byte of the file is covered by a CRC: flipping any one must be detected.
TEST(EventFileTest, DetectsEveryCorruptedByte) {
  const std::string dir = FreshDir("corrupt");
  auto w = EventWriter::Create(dir);
  ASSERT_TRUE(w.ok()) << w.status().message();
  ASSERT_TRUE((*w)->AddScalar("val_loss", 0.5f, 3).ok());
  ASSERT_TRUE((*w)->Close().ok());
  const std::string good = ReadAll((*w)->path());
  const std::string bad_path = dir + "/bad";
  for (size_t i = 0; i < good.size(); ++i) {
    std::string bad = good;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    WriteAll(bad_path, bad);
    auto r = ReadEventFile(bad_path);
    ASSERT_FALSE(r.ok()) << "flipped byte " << i << " of " << good.size() << " went unnoticed";
    EXPECT_NE(r.status().message().find("'" + bad_path + "': record"), std::string::npos)
        << r.status().message();
  }
  fs::remove_all(dir);
}

TEST(EventFileTest, TruncatedTailIsAnErrorUnlessAllowed) {
  const std::string dir = FreshDir("trunc");
  auto w = EventWriter::Create(dir);
  ASSERT_TRUE(w.ok());
  ASSERT_TRUE((*w)->AddScalar("train_loss", 1.5f, 1).ok());
  ASSERT_TRUE((*w)->Close().ok());
  std::string bytes = ReadAll((*w)->path());
  bytes.resize(bytes.size() - 3);
  WriteAll(dir + "/t", bytes);
  auto strict = ReadEventFile(dir + "/t");
  ASSERT_FALSE(strict.ok());
  EXPECT_NE(strict.status().message().find("truncated"), std::string::npos);
  auto lenient = ReadEventFile(dir + "/t", /*allow_truncated_tail=*/true);
  ASSERT_TRUE(lenient.ok()) << lenient.status().message();
  EXPECT_EQ(lenient->size(), 1u);  // the file_version record only
  fs::remove_all(dir);
}

TEST(EventFileTest, MissingFileNamesIt) {
  auto r = ReadEventFile("/nonexistent/events.out.tfevents.1.x");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("/nonexistent/events.out.tfevents.1.x"), std::string::npos);
}

}  // namespace
}  // namespace ferry::tf
