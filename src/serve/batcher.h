// Dynamic batching, as TF Serving's BasicBatchScheduler: requests that arrive together are
// concatenated along dim 0, run once, and the outputs are split back. A batch closes when it
// holds max_batch_size rows or when batch_timeout_micros have passed since its first request.
//
// Only requests whose inputs agree on every dim but the first are merged (a request's own
// inputs must all share their first dim). Rows are independent in the models served here
// (dim 0 is the batch dim), so a merged run gives every request the same numbers as a run
// of its own: the tests check this.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "check/model_runner.h"
#include "core/status.h"
#include "core/tensor.h"
#include "serve/config.h"

namespace ferry::serve {

class Batcher {
 public:
  // Called with each merged batch's size in rows (for the metrics).
  using BatchObserver = std::function<void(int64_t rows)>;

  // `model` must outlive the Batcher.
  Batcher(const check::ModelRunner* model, BatchingParameters params, BatchObserver observer);
  ~Batcher();  // finishes every queued request, then joins
  Batcher(const Batcher&) = delete;
  Batcher& operator=(const Batcher&) = delete;

  // Whether the model can be batched at all: every input and output has a dynamic dim 0.
  static bool CanBatch(const check::ModelRunner& model);

  // Runs `inputs` (as for ModelRunner::Run), merged with concurrent requests when possible.
  // Blocks until the outputs are ready. When the queue is full the request is refused and
  // *queue_full is set (TF Serving answers UNAVAILABLE, HTTP 503).
  StatusOr<std::vector<Tensor>> Run(std::vector<Tensor> inputs, bool* queue_full = nullptr);

 private:
  struct Task {
    std::vector<Tensor> inputs;
    int64_t rows = 0;
    std::chrono::steady_clock::time_point enqueued;
    std::promise<StatusOr<std::vector<Tensor>>> done;
  };

  void Loop();
  // Takes the next batch off the queue (lock held); waits for it to fill or time out.
  std::vector<std::unique_ptr<Task>> NextBatch(std::unique_lock<std::mutex>& lock);
  void RunBatch(std::vector<std::unique_ptr<Task>> batch);

  const check::ModelRunner* model_;
  const BatchingParameters params_;
  BatchObserver observer_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::unique_ptr<Task>> queue_;
  bool stopping_ = false;
  bool collecting_ = false;  // one thread at a time waits for a batch to fill
  std::vector<std::thread> threads_;
};

// Concatenates tensors of the same dtype and trailing dims along dim 0.
StatusOr<Tensor> ConcatRows(const std::vector<const Tensor*>& parts);
// Rows [begin, begin + count) of `t` as a tensor of its own.
Tensor SliceRows(const Tensor& t, int64_t begin, int64_t count);

}  // namespace ferry::serve
