#include "core/file_bytes.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>

#include "core/aligned_alloc.h"

namespace ferry {
namespace {

std::mutex g_error_mu;
std::string g_error;  // the first failed lazy read, if any
std::atomic<bool> g_failed{false};

}  // namespace

StatusOr<std::shared_ptr<const OpenFile>> OpenFile::Open(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return NotFound("'" + path + "': cannot open");
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    ::close(fd);
    return NotFound("'" + path + "': cannot stat");
  }
  return std::make_shared<const OpenFile>(fd, static_cast<uint64_t>(st.st_size),
                                          "'" + path + "'");
}

OpenFile::~OpenFile() { ::close(fd_); }

Status PreadFully(int fd, uint64_t offset, uint64_t n, void* dst, const std::string& label) {
  auto* p = static_cast<uint8_t*>(dst);
  while (n > 0) {
    // Linux reads at most 0x7ffff000 bytes per call.
    const size_t chunk = n > (uint64_t{1} << 30) ? size_t{1} << 30 : static_cast<size_t>(n);
    const ssize_t r = ::pread(fd, p, chunk, static_cast<off_t>(offset));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0)
      return InvalidArgument(label + ": cannot read " + std::to_string(n) + " bytes at " +
                             std::to_string(offset) +
                             (r < 0 ? std::string(": ") + std::strerror(errno)
                                    : std::string(": the file got shorter")));
    p += r;
    offset += static_cast<uint64_t>(r);
    n -= static_cast<uint64_t>(r);
  }
  return Status::Ok();
}

const uint8_t* LazyBytes::Get() const {
  std::call_once(once_, [this] {
    void* p = AllocateTensorStorage(bytes_);
    data_ = std::shared_ptr<uint8_t[]>(static_cast<uint8_t*>(p), [](uint8_t* q) { std::free(q); });
    PrefaultTensorStorage(p, bytes_);
    Status s = file_->ReadAt(offset_, bytes_, p);
    if (!s.ok()) {
      std::memset(p, 0, bytes_);
      std::lock_guard<std::mutex> lock(g_error_mu);
      if (!g_failed.exchange(true)) g_error = s.message();
    }
  });
  return data_.get();
}

uint8_t* LazyBytes::Mutable() {
  uint8_t* p = const_cast<uint8_t*>(Get());
  modified_.store(true, std::memory_order_release);
  return p;
}

Status LazyReadStatus() {
  if (!g_failed.load()) return Status::Ok();
  std::lock_guard<std::mutex> lock(g_error_mu);
  return InvalidArgument(g_error + " (the model file changed while in use)");
}

}  // namespace ferry
