// Raw storage for tensors: 64-byte aligned (AVX-512 loads, oneDNN's preferred alignment).
// Buffers of 4 MiB and more are 2 MiB aligned and their whole 2 MiB pages are marked for
// transparent huge pages (madvise(MADV_HUGEPAGE); Debian's kernel ships THP in madvise mode):
// filling a 346 MB model's weights then takes a few hundred page faults instead of ~85,000,
// which on a virtual machine is most of the load time.
#pragma once

#include <cstddef>

namespace ferry {

// Never nullptr: throws std::bad_alloc. Release with std::free.
void* AllocateTensorStorage(size_t bytes);

}  // namespace ferry
