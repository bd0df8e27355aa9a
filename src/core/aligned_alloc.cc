#include "core/aligned_alloc.h"

#include <sys/mman.h>

#include <cstdlib>
#include <new>

namespace ferry {
namespace {

constexpr size_t kHugePage = size_t{2} << 20;
constexpr size_t kHugeThreshold = size_t{4} << 20;

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

}  // namespace ferry
