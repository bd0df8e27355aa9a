#include "core/buffer_pool.h"

#include <cstdlib>
#include <cstring>
#include <map>
#include <mutex>
#include <new>

#include "core/aligned_alloc.h"

namespace ferry {

struct BufferPool::State {
  std::mutex mu;
  std::multimap<size_t, uint8_t*> free;  // size -> buffer
  size_t max_cached = 0;
  size_t cached = 0;
  bool alive = true;  // false once the BufferPool is gone: buffers return to the system
  bool poison = false;
  Stats stats;

  void Release(uint8_t* p, size_t n) {
    {
      std::lock_guard<std::mutex> lock(mu);
      if (alive && cached + n <= max_cached) {
        free.emplace(n, p);
        cached += n;
        return;
      }
    }
    std::free(p);
  }
  ~State() {
    for (auto& [n, p] : free) std::free(p);
  }
};

namespace {
thread_local BufferPool* current_pool = nullptr;
}  // namespace

BufferPool::BufferPool(size_t max_cached_bytes) : state_(std::make_shared<State>()) {
  state_->max_cached = max_cached_bytes;
}

BufferPool::~BufferPool() {
  std::multimap<size_t, uint8_t*> free;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    state_->alive = false;
    free.swap(state_->free);
    state_->cached = 0;
  }
  for (auto& [n, p] : free) std::free(p);
}

std::shared_ptr<uint8_t[]> BufferPool::Allocate(size_t bytes) {
  size_t n = ((bytes + 63) / 64) * 64;
  if (n == 0) n = 64;
  uint8_t* p = nullptr;
  size_t got = n;
  bool poison = false;
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->free.lower_bound(n);
    if (it != state_->free.end() && it->first <= 4 * n) {
      got = it->first;
      p = it->second;
      state_->free.erase(it);
      state_->cached -= got;
      ++state_->stats.reused;
    } else {
      ++state_->stats.fresh;
    }
    poison = state_->poison;
  }
  if (!p) {
    p = static_cast<uint8_t*>(AllocateTensorStorage(n));
  }
  if (poison) std::memset(p, 0xff, got);
  std::shared_ptr<State> state = state_;
  return std::shared_ptr<uint8_t[]>(p, [state, got](uint8_t* q) { state->Release(q, got); });
}

BufferPool::Stats BufferPool::stats() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  Stats s = state_->stats;
  s.cached_bytes = static_cast<int64_t>(state_->cached);
  return s;
}

void BufferPool::set_poison(bool on) {
  std::lock_guard<std::mutex> lock(state_->mu);
  state_->poison = on;
}

BufferPool* BufferPool::Current() { return current_pool; }

ScopedBufferPool::ScopedBufferPool(BufferPool* pool) : previous_(current_pool) {
  current_pool = pool;
}

ScopedBufferPool::~ScopedBufferPool() { current_pool = previous_; }

}  // namespace ferry
