// A model run by a fixed set of threads, each with its own instance of the model.
//
// Why: oneDNN's default (global) scratchpad requires a primitive to be executed by the thread
// that created it (oneDNN developer guide, "Primitive Attributes: Scratchpad"). Before ferry's
// kernels moved to a user-managed scratchpad, a model whose first run was on one HTTP thread
// crashed when the next request landed on another. Pinning each instance to one thread keeps
// any runtime with thread-bound state safe, and one instance per thread keeps the threads
// from sharing per-op caches (ServerOptions::model_instances = 0 turns this off).
#pragma once

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "check/model_runner.h"

namespace ferry::serve {

class PinnedRunner final : public check::ModelRunner {
 public:
  // `instances` must all be the same model (same specs); instance i runs only on thread i.
  explicit PinnedRunner(std::vector<std::unique_ptr<check::ModelRunner>> instances);
  ~PinnedRunner() override;  // finishes queued runs, then joins

  std::string kind() const override { return instances_[0]->kind(); }
  const std::vector<check::TensorSpec>& inputs() const override {
    return instances_[0]->inputs();
  }
  const std::vector<check::TensorSpec>& outputs() const override {
    return instances_[0]->outputs();
  }
  // Queues the run for the next free thread and waits for it. Thread-safe.
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) const override;

 private:
  using Task = std::packaged_task<StatusOr<std::vector<Tensor>>(const check::ModelRunner&)>;
  void Loop(size_t i);

  std::vector<std::unique_ptr<check::ModelRunner>> instances_;
  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  mutable std::deque<Task> queue_;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ferry::serve
