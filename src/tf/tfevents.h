// TensorBoard event files (what Lightning's TensorBoardLogger writes, what `tensorboard
// --logdir` reads): a sequence of TFRecords, each
//   uint64 length (little-endian) | uint32 masked CRC32C of the length bytes |
//   data[length]                  | uint32 masked CRC32C of the data,
// where every data is a serialized Event (tf/proto/event.proto). The first record is an
// Event with file_version "brain.Event:2"; scalars are Events whose Summary holds
// {tag, simple_value} values. The file is named events.out.tfevents.<unix time>.<hostname>.
//
// Unlike ferry's other outputs the file is not written atomically: TensorBoard tails it
// while training runs, so records are appended and flushed one at a time (a reader stops
// at a truncated last record, as TensorBoard does).
#pragma once

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/status.h"

namespace ferry::tf {

inline constexpr char kEventFileVersion[] = "brain.Event:2";

// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78), as TFRecord uses.
uint32_t Crc32c(std::string_view data);
// TFRecord stores CRCs masked: ((crc >> 15) | (crc << 17)) + 0xa282ead8, so that a CRC of
// data that itself holds CRCs does not degenerate.
uint32_t MaskCrc(uint32_t crc);
uint32_t UnmaskCrc(uint32_t masked);

// One framed record: length, masked CRC of the length, data, masked CRC of the data.
std::string EncodeRecord(std::string_view data);

// "events.out.tfevents.<unix seconds>.<hostname>".
std::string EventFileName(double unix_time, const std::string& hostname);

// Seconds since the epoch, with sub-second precision (Event.wall_time).
double WallTimeNow();

// Appends scalar events to a new event file in a folder.
class EventWriter {
 public:
  // Creates `dir` when missing and the file in it, and writes the file_version record.
  static StatusOr<std::unique_ptr<EventWriter>> Create(const std::string& dir);
  ~EventWriter();
  EventWriter(const EventWriter&) = delete;
  EventWriter& operator=(const EventWriter&) = delete;

  // One Event holding one scalar; flushed so that a running TensorBoard sees it.
  Status AddScalar(const std::string& tag, float value, int64_t step,
                   double wall_time = WallTimeNow());
  Status Close();
  const std::string& path() const { return path_; }

 private:
  EventWriter(std::string path, std::FILE* f) : path_(std::move(path)), file_(f) {}
  Status WriteEvent(const std::string& serialized);
  std::string path_;
  std::FILE* file_;
};

// One decoded Event.
struct EventRecord {
  double wall_time = 0;
  int64_t step = 0;
  std::string file_version;                            // set in the first event only
  std::vector<std::pair<std::string, float>> scalars;  // (tag, simple_value)
};

// Reads every record of an event file, verifying both CRCs of each; an error names the file,
// the record index and its byte offset. A truncated last record is an error too unless
// `allow_truncated_tail` (a file that is still being written).
StatusOr<std::vector<EventRecord>> ReadEventFile(const std::string& path,
                                                 bool allow_truncated_tail = false);

// The event files in a folder (not recursive), sorted by name.
std::vector<std::string> FindEventFiles(const std::string& dir);

}  // namespace ferry::tf
