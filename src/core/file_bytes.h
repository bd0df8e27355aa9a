// Tensor values that stay in the file they come from until something reads them
// (Tensor::FromFile). `ferry convert` loads a model this way (onnx LoadOptions::lazy_weights):
// the converter reads only the weights it rewrites (a conv kernel it transposes, a constant it
// folds), and the TF writer copies every weight it finds unchanged from the .onnx file to the
// output file inside the kernel (copy_file_range), as `cp` does, so a 346 MB model's weights
// never pass through the process's memory.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

#include "core/status.h"

namespace ferry {

// Copies [offset, offset + n) of fd into dst (pread until done); an error naming `label` if the
// file does not hold those bytes.
Status PreadFully(int fd, uint64_t offset, uint64_t n, void* dst, const std::string& label);

// An open, read-only file shared by the lazily read tensors of one model; closed with the last
// of them. `label` names it in errors.
class OpenFile {
 public:
  static StatusOr<std::shared_ptr<const OpenFile>> Open(const std::string& path);
  // Takes ownership of fd.
  OpenFile(int fd, uint64_t size, std::string label)
      : fd_(fd), size_(size), label_(std::move(label)) {}
  ~OpenFile();
  OpenFile(const OpenFile&) = delete;
  OpenFile& operator=(const OpenFile&) = delete;

  int fd() const { return fd_; }
  uint64_t size() const { return size_; }
  const std::string& label() const { return label_; }
  Status ReadAt(uint64_t offset, uint64_t n, void* dst) const {
    return PreadFully(fd_, offset, n, dst, label_);
  }

 private:
  int fd_;
  uint64_t size_;
  std::string label_;
};

// Where a tensor's bytes lie, unchanged, in a file.
struct FileRange {
  const OpenFile* file = nullptr;
  uint64_t offset = 0;
};

// The shared state behind a Tensor::FromFile tensor (all copies and reshapes of it share one):
// the bytes are read once, on the first access, into 64-byte-aligned storage.
class LazyBytes {
 public:
  LazyBytes(std::shared_ptr<const OpenFile> file, uint64_t offset, uint64_t bytes)
      : file_(std::move(file)), offset_(offset), bytes_(bytes) {}

  // The bytes, read now if not yet (thread-safe).
  const uint8_t* Get() const;
  // Same, for writing: the file no longer holds the tensor's values (file_range() is empty).
  uint8_t* Mutable();
  // Set while the values are still those of the file.
  bool unchanged() const { return !modified_.load(std::memory_order_acquire); }
  const OpenFile& file() const { return *file_; }
  uint64_t offset() const { return offset_; }

 private:
  std::shared_ptr<const OpenFile> file_;
  uint64_t offset_;
  uint64_t bytes_;
  mutable std::once_flag once_;
  mutable std::shared_ptr<uint8_t[]> data_;
  std::atomic<bool> modified_{false};
};

// Whether every lazy read so far succeeded. A file truncated or rewritten while a model read
// from it is in use cannot hand its bytes back from an accessor; the read fills zeros and
// records the error here, and writers refuse to finish a file while it is set.
Status LazyReadStatus();

}  // namespace ferry
