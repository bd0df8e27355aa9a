// BufferPool: a free list of 64-byte-aligned tensor buffers, so that a buffer released by one
// step of a run is reused by a later step's output, and by the same step in the next run,
// instead of going back to malloc (which for large tensors means munmap, mmap and page faults
// every run). Thread-safe: concurrent runs share one pool.
//
// Tensors allocate from a pool while a ScopedBufferPool for it is alive on the allocating
// thread; a pooled buffer goes back to its pool's free list when its last Tensor lets go
// (on any thread), or to the system once the pool is destroyed. Contents of a reused buffer
// are whatever its last user left: Tensor(dtype, shape) is uninitialised either way.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>

namespace ferry {

class BufferPool {
 public:
  struct Stats {
    int64_t fresh = 0;         // buffers that came from the system
    int64_t reused = 0;        // buffers that came from the free list
    int64_t cached_bytes = 0;  // bytes on the free list now
  };

  // Buffers go back to the system instead of the free list once it holds max_cached_bytes.
  explicit BufferPool(size_t max_cached_bytes = size_t{1} << 30);
  ~BufferPool();
  BufferPool(const BufferPool&) = delete;
  BufferPool& operator=(const BufferPool&) = delete;

  // A buffer of at least `bytes` (rounded up to 64): the smallest free one that is no more
  // than four times that, else a new one. (Exact fits keep more buffers alive: on ResNet-18
  // at batch 8, a 1.125x bound peaked 18 MB higher than 4x, 2x 7 MB higher.)
  std::shared_ptr<uint8_t[]> Allocate(size_t bytes);
  Stats stats() const;
  // Tests: fill every buffer handed out with 0xff bytes (NaN for floats) before handing it out,
  // so that a kernel reading an output element it never wrote shows up.
  void set_poison(bool on);

  // The pool of the innermost ScopedBufferPool on this thread, or nullptr.
  static BufferPool* Current();

 private:
  struct State;
  std::shared_ptr<State> state_;
};

// Tensors allocated on this thread while it lives come from `pool` (nullptr: from the system).
class ScopedBufferPool {
 public:
  explicit ScopedBufferPool(BufferPool* pool);
  ~ScopedBufferPool();
  ScopedBufferPool(const ScopedBufferPool&) = delete;
  ScopedBufferPool& operator=(const ScopedBufferPool&) = delete;

 private:
  BufferPool* previous_;
};

}  // namespace ferry
