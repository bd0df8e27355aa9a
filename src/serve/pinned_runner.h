// A model run by a fixed set of threads, each with its own instance of the model.
//
// Why: oneDNN's default (global) scratchpad requires a primitive to be executed by the thread
// that created it (oneDNN developer guide, "Primitive Attributes: Scratchpad"); ferry's
// kernels create primitives lazily on first run and cache them per op, so a model whose
// first run was on one HTTP thread crashes when the next request lands on another. Pinning
// every instance to one thread keeps creation and execution on the same thread, and having
// one instance per thread keeps the threads from sharing a primitive.
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
