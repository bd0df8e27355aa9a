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
    // Rounded up to whole huge pages when that adds at most a quarter of the size (the tail
    // then costs one huge-page fault instead of up to 511 4 KiB ones: vit_b_16's 9.4 and
    // 7.1 MB weights); otherwise the tail stays in 4 KiB pages. Advice only: without huge
    // pages to give, the buffer works as is.
    const size_t whole = (bytes + kHugePage - 1) / kHugePage * kHugePage;
    const bool round_up = (whole - bytes) * 4 <= bytes;
    const size_t n = round_up ? whole : (bytes + 4095) / 4096 * 4096;
    if (void* p = std::aligned_alloc(kHugePage, n)) {
      madvise(p, round_up ? whole : bytes / kHugePage * kHugePage, MADV_HUGEPAGE);
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
