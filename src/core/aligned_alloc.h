// Raw storage for tensors: 64-byte aligned (AVX-512 loads, oneDNN's preferred alignment).
// Buffers of 2 MiB and more are 2 MiB aligned and their whole 2 MiB pages are marked for
// transparent huge pages (madvise(MADV_HUGEPAGE); Debian's kernel ships THP in madvise mode;
// a buffer is rounded up to whole huge pages where that adds at most a quarter of its size):
// filling a 346 MB model's weights then takes a few hundred page faults instead of ~85,000,
// which on a virtual machine is most of the load time. (The threshold was 4 MiB: vit_b_16's
// 2.36 MB attention projections, and the converter's copies of them, faulted in 4 KiB pages.)
#pragma once

#include <cstddef>

namespace ferry {

// Never nullptr: throws std::bad_alloc. Release with std::free.
void* AllocateTensorStorage(size_t bytes);

// For a buffer about to be filled whole (a model's weights read from a file): asks the kernel
// to back the whole pages of [p, p + bytes) now, in one call (madvise(MADV_POPULATE_WRITE),
// Linux 5.14), instead of one page fault per page on first touch (huge pages where advised,
// 4 KiB pages elsewhere). On this virtual machine that takes a 346 MB model's load from
// ~17,000 faults to none. Ranges under 64 KiB, and kernels without the call, are left as
// they are (the buffer works either way).
void PrefaultTensorStorage(void* p, size_t bytes);

}  // namespace ferry
