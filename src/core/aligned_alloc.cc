#include "core/aligned_alloc.h"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>
#include <new>

namespace ferry {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeThreshold = size_t{2} << 20;
constexpr size_t kPage = 4096;
constexpr size_t kPrefaultThreshold = size_t{64} << 10;

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23  // Linux 5.14 (older C library headers lack it)
#endif

}  // namespace

void* AllocateTensorStorage(size_t bytes) {
  if (bytes >= kHugeThreshold) {
    const size_t n = (bytes + 4095) / 4096 * 4096;
    if (void* p = std::aligned_alloc(kHugePage, n)) {
      // Only the whole huge pages: the tail stays in 4 KiB pages, so no buffer grows resident
      // by more than it uses. Advice only: without huge pages to give, the buffer works as is.
      madvise(p, bytes / kHugePage * kHugePage, MADV_HUGEPAGE);
      return p;
    }
    throw std::bad_alloc();
  }
  const size_t n = bytes == 0 ? 64 : (bytes + 63) / 64 * 64;
  void* p = std::aligned_alloc(64, n);
  if (!p) throw std::bad_alloc();
  return p;
}

void PrefaultTensorStorage(void* p, size_t bytes) {
  if (bytes < kPrefaultThreshold) return;
  const auto begin = (reinterpret_cast<uintptr_t>(p) + kPage - 1) / kPage * kPage;
  const auto end = (reinterpret_cast<uintptr_t>(p) + bytes) / kPage * kPage;
  if (end <= begin) return;
  // Advice only: EINVAL from an older kernel, or ENOMEM, leaves the faults to the first touch.
  madvise(reinterpret_cast<void*>(begin), end - begin, MADV_POPULATE_WRITE);
}

}  // namespace ferry
