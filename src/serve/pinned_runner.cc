#include "serve/pinned_runner.h"

#include <exception>

namespace ferry::serve {

PinnedRunner::PinnedRunner(std::vector<std::unique_ptr<check::ModelRunner>> instances)
    : instances_(std::move(instances)) {
  for (size_t i = 0; i < instances_.size(); ++i) threads_.emplace_back([this, i] { Loop(i); });
}

PinnedRunner::~PinnedRunner() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

StatusOr<std::vector<Tensor>> PinnedRunner::Run(const std::vector<Tensor>& inputs) const {
  Task task([&inputs](const check::ModelRunner& m) -> StatusOr<std::vector<Tensor>> {
    try {
      return m.Run(inputs);
    } catch (const std::exception& e) {
      return Internal(std::string("model run threw: ") + e.what());
    }
  });
  auto result = task.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    queue_.push_back(std::move(task));
  }
  cv_.notify_one();
  return result.get();  // `inputs` outlives the task: we wait here until it has run
}

void PinnedRunner::Loop(size_t i) {
  const check::ModelRunner& mine = *instances_[i];
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    Task task = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    task(mine);
    lock.lock();
  }
}

}  // namespace ferry::serve
