#include "core/aligned_alloc.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>

namespace ferry {
namespace {

TEST(AlignedAllocTest, SmallBuffersAre64ByteAligned) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{63}, size_t{65}, size_t{4096}}) {
    void* p = AllocateTensorStorage(n);
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % 64, 0u) << n;
    std::memset(p, 0xab, n);
    std::free(p);
  }
}

TEST(AlignedAllocTest, LargeBuffersAreHugePageAlignedAndUsable) {
  // From the 2 MiB threshold up, page multiples or not.
  for (size_t n : {size_t{2} << 20, (size_t{2} << 20) + 3, (size_t{5} << 20) + 3}) {
    auto* p = static_cast<uint8_t*>(AllocateTensorStorage(n));
    EXPECT_EQ(reinterpret_cast<uintptr_t>(p) % (size_t{2} << 20), 0u) << n;
    std::memset(p, 0x5a, n);
    EXPECT_EQ(p[0], 0x5a);
    EXPECT_EQ(p[n - 1], 0x5a);
    std::free(p);
  }
}

TEST(AlignedAllocTest, PrefaultKeepsWhatTheBufferHolds) {
  // Prefaulting only backs pages: bytes already written stay, whatever the range's alignment
  // and size (under the threshold, unaligned ends, a huge-page buffer).
  for (size_t n : {size_t{100}, size_t{70000}, (size_t{5} << 20) + 3}) {
    auto* p = static_cast<uint8_t*>(AllocateTensorStorage(n));
    for (size_t i = 0; i < n; i += 997) p[i] = static_cast<uint8_t>(i * 31 + 7);
    p[n - 1] = 0x42;
    PrefaultTensorStorage(p + 1, n - 1);
    PrefaultTensorStorage(p, n);
    for (size_t i = 0; i < n - 1; i += 997) ASSERT_EQ(p[i], static_cast<uint8_t>(i * 31 + 7)) << n;
    EXPECT_EQ(p[n - 1], 0x42) << n;
    std::memset(p, 0x11, n);  // and every byte is writable
    EXPECT_EQ(p[n / 2], 0x11);
    std::free(p);
  }
}

}  // namespace
}  // namespace ferry
