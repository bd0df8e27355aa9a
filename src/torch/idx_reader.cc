#include "torch/idx_reader.h"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <vector>

namespace ferry::torch {
namespace {

namespace fs = std::filesystem;

// IDX magic: two zero bytes, the element type (0x08 = unsigned byte), the number of dims.
constexpr uint8_t kIdxUByte = 0x08;

struct GzCloser {
  void operator()(gzFile_s* f) const { gzclose(f); }
};
using GzFile = std::unique_ptr<gzFile_s, GzCloser>;

// Reads exactly n bytes; returns how many were read before EOF, or -1 on a zlib error
// (a corrupt or truncated gzip stream reports Z_BUF_ERROR / Z_DATA_ERROR here).
int64_t ReadFully(gzFile f, uint8_t* out, int64_t n) {
  int64_t done = 0;
  while (done < n) {
    const unsigned chunk = static_cast<unsigned>(std::min<int64_t>(n - done, 1 << 30));
    const int got = gzread(f, out + done, chunk);
    if (got < 0) return -1;
    if (got == 0) break;
    done += got;
  }
  return done;
}

std::string ZlibError(gzFile f) {
  int code = 0;
  const char* msg = gzerror(f, &code);
  return msg != nullptr && *msg != '\0' ? msg : "read error";
}

}  // namespace

StatusOr<Tensor> ReadIdxFile(const std::string& path, int expected_rank) {
  std::error_code ec;
  if (!fs::is_regular_file(path, ec)) return NotFound("IDX file '" + path + "' does not exist");
  // gzopen reads gzip streams and passes any other file through unchanged.
  GzFile f(gzopen(path.c_str(), "rb"));
  if (f == nullptr) return NotFound("IDX file '" + path + "': cannot open");

  std::array<uint8_t, 4> magic{};
  if (ReadFully(f.get(), magic.data(), 4) != 4) {
    return InvalidArgument("IDX file '" + path + "': truncated before the 4-byte magic");
  }
  if (magic[0] != 0 || magic[1] != 0 || magic[2] != kIdxUByte || magic[3] != expected_rank) {
    char buf[96];
    std::snprintf(buf, sizeof(buf), "bad magic 0x%02x%02x%02x%02x, expected 0x000008%02x", magic[0],
                  magic[1], magic[2], magic[3], expected_rank);
    return InvalidArgument("IDX file '" + path + "': " + buf);
  }

  std::vector<int64_t> dims(expected_rank);
  for (int i = 0; i < expected_rank; ++i) {
    std::array<uint8_t, 4> b{};
    if (ReadFully(f.get(), b.data(), 4) != 4) {
      return InvalidArgument("IDX file '" + path + "': truncated in the header (dim " +
                             std::to_string(i) + ")");
    }
    // Dims are big-endian int32 (the IDX spec); a size above 2^31 would be negative.
    const uint32_t d =
        (uint32_t{b[0]} << 24) | (uint32_t{b[1]} << 16) | (uint32_t{b[2]} << 8) | uint32_t{b[3]};
    if (d > 0x7fffffffu) {
      return InvalidArgument("IDX file '" + path + "': dim " + std::to_string(i) + " is negative");
    }
    dims[i] = d;
  }
  Status valid = Shape::Validate(dims, 1, Tensor::kMaxBytes);
  if (!valid.ok()) return valid.WithContext("IDX file '" + path + "'");

  Tensor t(DataType::kUInt8, Shape(dims));
  const int64_t want = t.NumElements();
  const int64_t got = ReadFully(f.get(), t.data<uint8_t>(), want);
  if (got < 0) {
    return InvalidArgument("IDX file '" + path + "': corrupt data (" + ZlibError(f.get()) + ")");
  }
  if (got != want) {
    return InvalidArgument("IDX file '" + path + "': truncated, header " + Shape(dims).ToString() +
                           " needs " + std::to_string(want) + " data bytes, found " +
                           std::to_string(got));
  }
  return t;
}

StatusOr<MnistData> ReadMnist(const std::string& dir, MnistSplit split) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return NotFound("MNIST folder '" + dir + "' does not exist or is not a folder");
  }
  const std::string prefix = split == MnistSplit::kTrain ? "train" : "t10k";
  auto locate = [&](const std::string& stem) -> StatusOr<std::string> {
    const fs::path raw = fs::path(dir) / stem;
    if (fs::is_regular_file(raw, ec)) return raw.string();
    const fs::path gz = fs::path(dir) / (stem + ".gz");
    if (fs::is_regular_file(gz, ec)) return gz.string();
    return NotFound("MNIST file '" + raw.string() + "[.gz]' does not exist");
  };
  FERRY_ASSIGN_OR_RETURN(std::string images_path, locate(prefix + "-images-idx3-ubyte"));
  FERRY_ASSIGN_OR_RETURN(std::string labels_path, locate(prefix + "-labels-idx1-ubyte"));

  MnistData data;
  FERRY_ASSIGN_OR_RETURN(data.images, ReadIdxFile(images_path, 3));
  FERRY_ASSIGN_OR_RETURN(data.labels, ReadIdxFile(labels_path, 1));
  if (data.images.dim(0) != data.labels.dim(0)) {
    return InvalidArgument("MNIST file '" + labels_path + "' holds " +
                           std::to_string(data.labels.dim(0)) + " labels but '" + images_path +
                           "' holds " + std::to_string(data.images.dim(0)) + " images");
  }
  return data;
}

}  // namespace ferry::torch
