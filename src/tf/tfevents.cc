#include "tf/tfevents.h"

#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>

#include "tf/file_util.h"
#include "tf/proto/event.pb.h"

namespace ferry::tf {
namespace fs = std::filesystem;
namespace {

constexpr uint32_t kCastagnoliReflected = 0x82F63B78u;
constexpr uint32_t kMaskDelta = 0xa282ead8u;
constexpr char kFilePrefix[] = "events.out.tfevents.";

std::array<uint32_t, 256> MakeCrcTable() {
  std::array<uint32_t, 256> t{};
  for (uint32_t i = 0; i < 256; ++i) {
    uint32_t c = i;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ kCastagnoliReflected : c >> 1;
    t[i] = c;
  }
  return t;
}

void PutLe(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

uint64_t GetLe(const char* p, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v |= static_cast<uint64_t>(static_cast<uint8_t>(p[i])) << (8 * i);
  return v;
}

std::string HostName() {
  char buf[256] = {};
  if (gethostname(buf, sizeof buf - 1) != 0 || buf[0] == '\0') return "localhost";
  return buf;
}

}  // namespace

uint32_t Crc32c(std::string_view data) {
  static const std::array<uint32_t, 256> table = MakeCrcTable();
  uint32_t c = 0xffffffffu;
  for (unsigned char b : data) c = table[(c ^ b) & 0xff] ^ (c >> 8);
  return c ^ 0xffffffffu;
}

uint32_t MaskCrc(uint32_t crc) { return ((crc >> 15) | (crc << 17)) + kMaskDelta; }

uint32_t UnmaskCrc(uint32_t masked) {
  uint32_t rot = masked - kMaskDelta;
  return (rot >> 17) | (rot << 15);
}

std::string EncodeRecord(std::string_view data) {
  std::string out;
  out.reserve(data.size() + 16);
  PutLe(data.size(), 8, &out);
  PutLe(MaskCrc(Crc32c(out)), 4, &out);
  out.append(data);
  PutLe(MaskCrc(Crc32c(data)), 4, &out);
  return out;
}

std::string EventFileName(double unix_time, const std::string& hostname) {
  return kFilePrefix + std::to_string(static_cast<int64_t>(unix_time)) + "." + hostname;
}

double WallTimeNow() {
  using namespace std::chrono;
  return duration<double>(system_clock::now().time_since_epoch()).count();
}

StatusOr<std::unique_ptr<EventWriter>> EventWriter::Create(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return InvalidArgument("cannot create folder '" + dir + "': " + ec.message());
  const double now = WallTimeNow();
  const std::string path = (fs::path(dir) / EventFileName(now, HostName())).string();
  // "ab": a second writer started in the same second appends rather than truncating.
  std::FILE* f = std::fopen(path.c_str(), "ab");
  if (!f) return InvalidArgument("cannot write '" + path + "': " + std::strerror(errno));
  std::unique_ptr<EventWriter> w(new EventWriter(path, f));
  tfproto::Event e;
  e.set_wall_time(now);
  e.set_file_version(kEventFileVersion);
  FERRY_RETURN_IF_ERROR(w->WriteEvent(e.SerializeAsString()));
  return w;
}

EventWriter::~EventWriter() {
  if (file_) std::fclose(file_);
}

Status EventWriter::WriteEvent(const std::string& serialized) {
  if (!file_) return FailedPrecondition("'" + path_ + "' is closed");
  const std::string record = EncodeRecord(serialized);
  if (std::fwrite(record.data(), 1, record.size(), file_) != record.size() ||
      std::fflush(file_) != 0)
    return Internal("cannot write '" + path_ + "': " + std::strerror(errno));
  return Status::Ok();
}

Status EventWriter::AddScalar(const std::string& tag, float value, int64_t step, double wall_time) {
  tfproto::Event e;
  e.set_wall_time(wall_time);
  e.set_step(step);
  tfproto::Summary::Value* v = e.mutable_summary()->add_value();
  v->set_tag(tag);
  v->set_simple_value(value);
  return WriteEvent(e.SerializeAsString());
}

Status EventWriter::Close() {
  if (!file_) return Status::Ok();
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return Internal("cannot close '" + path_ + "': " + std::strerror(errno));
  return Status::Ok();
}

StatusOr<std::vector<EventRecord>> ReadEventFile(const std::string& path,
                                                 bool allow_truncated_tail) {
  FERRY_ASSIGN_OR_RETURN(std::string bytes, ReadFileToString(path));
  std::vector<EventRecord> events;
  size_t pos = 0;
  while (pos < bytes.size()) {
    const std::string where = "'" + path + "': record " + std::to_string(events.size()) +
                              " at byte " + std::to_string(pos);
    if (bytes.size() - pos < 12) {
      if (allow_truncated_tail) break;
      return InvalidArgument(where + ": truncated header (" + std::to_string(bytes.size() - pos) +
                             " bytes left, need 12)");
    }
    const char* p = bytes.data() + pos;
    const uint64_t len = GetLe(p, 8);
    const uint32_t len_crc = static_cast<uint32_t>(GetLe(p + 8, 4));
    if (UnmaskCrc(len_crc) != Crc32c(std::string_view(p, 8)))
      return InvalidArgument(where + ": length CRC mismatch");
    if (len > bytes.size() - pos - 12 || bytes.size() - pos - 12 - len < 4) {
      if (allow_truncated_tail) break;
      return InvalidArgument(where + ": truncated data (length " + std::to_string(len) + ", " +
                             std::to_string(bytes.size() - pos - 12) + " bytes left)");
    }
    const std::string_view data(p + 12, len);
    const uint32_t data_crc = static_cast<uint32_t>(GetLe(p + 12 + len, 4));
    if (UnmaskCrc(data_crc) != Crc32c(data)) return InvalidArgument(where + ": data CRC mismatch");
    tfproto::Event e;
    bool parsed = false;
    try {
      parsed = e.ParseFromArray(data.data(), static_cast<int>(data.size()));
    } catch (const std::exception& ex) {
      return InvalidArgument(where + ": " + ex.what());
    }
    if (!parsed) return InvalidArgument(where + ": not an Event protobuf");
    EventRecord r;
    r.wall_time = e.wall_time();
    r.step = e.step();
    if (e.has_file_version()) r.file_version = e.file_version();
    if (e.has_summary())
      for (const auto& v : e.summary().value())
        if (v.has_simple_value()) r.scalars.emplace_back(v.tag(), v.simple_value());
    events.push_back(std::move(r));
    pos += 12 + len + 4;
  }
  return events;
}

std::vector<std::string> FindEventFiles(const std::string& dir) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (entry.is_regular_file(ec) && name.rfind(kFilePrefix, 0) == 0)
      files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace ferry::tf
