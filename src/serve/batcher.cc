#include "serve/batcher.h"

#include <chrono>
#include <cstring>

namespace ferry::serve {
namespace {

using Clock = std::chrono::steady_clock;

// Rows of a request: the common first dim of its inputs, or -1 when it cannot be batched.
int64_t RowsOf(const std::vector<Tensor>& inputs) {
  if (inputs.empty()) return -1;
  int64_t rows = -1;
  for (const Tensor& t : inputs) {
    if (t.rank() == 0) return -1;
    if (rows >= 0 && t.dim(0) != rows) return -1;
    rows = t.dim(0);
  }
  return rows;
}

bool SameTrailing(const Tensor& a, const Tensor& b) {
  if (a.dtype() != b.dtype() || a.rank() != b.rank()) return false;
  for (int d = 1; d < a.rank(); ++d)
    if (a.dim(d) != b.dim(d)) return false;
  return true;
}

bool Compatible(const std::vector<Tensor>& a, const std::vector<Tensor>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (!SameTrailing(a[i], b[i])) return false;
  return true;
}

}  // namespace

StatusOr<Tensor> ConcatRows(const std::vector<const Tensor*>& parts) {
  if (parts.empty()) return InvalidArgument("ConcatRows: nothing to concatenate");
  const Tensor& first = *parts[0];
  std::vector<int64_t> dims = first.shape().dims();
  dims[0] = 0;
  for (const Tensor* p : parts) {
    if (!SameTrailing(*p, first))
      return InvalidArgument("ConcatRows: " + p->DebugString() + " does not stack with " +
                             first.DebugString());
    dims[0] += p->dim(0);
  }
  Tensor out(first.dtype(), Shape(dims));
  if (first.dtype() == DataType::kString) {
    int64_t k = 0;
    for (const Tensor* p : parts)
      for (const std::string& s : p->strings()) out.strings()[k++] = s;
    return out;
  }
  uint8_t* dst = static_cast<uint8_t*>(out.raw_data());
  for (const Tensor* p : parts) {
    if (p->NumBytes()) std::memcpy(dst, p->raw_data(), p->NumBytes());
    dst += p->NumBytes();
  }
  return out;
}

Tensor SliceRows(const Tensor& t, int64_t begin, int64_t count) {
  std::vector<int64_t> dims = t.shape().dims();
  const int64_t row = dims[0] ? t.NumElements() / dims[0] : 0;
  dims[0] = count;
  Tensor out(t.dtype(), Shape(dims));
  if (t.dtype() == DataType::kString) {
    for (int64_t i = 0; i < count * row; ++i) out.strings()[i] = t.strings()[begin * row + i];
    return out;
  }
  const size_t row_bytes = static_cast<size_t>(row) * SizeOf(t.dtype());
  if (out.NumBytes())
    std::memcpy(out.raw_data(), static_cast<const uint8_t*>(t.raw_data()) + begin * row_bytes,
                out.NumBytes());
  return out;
}

Batcher::Batcher(const check::ModelRunner* model, BatchingParameters params,
                 BatchObserver observer)
    : model_(model), params_(params), observer_(std::move(observer)) {
  for (int64_t i = 0; i < params_.num_batch_threads; ++i) threads_.emplace_back([this] { Loop(); });
}

Batcher::~Batcher() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  for (std::thread& t : threads_) t.join();
}

bool Batcher::CanBatch(const check::ModelRunner& model) {
  auto dynamic_first = [](const std::vector<check::TensorSpec>& specs) {
    if (specs.empty()) return false;
    for (const check::TensorSpec& s : specs)
      if (!s.has_shape || s.dims.empty() || s.dims[0] >= 0) return false;
    return true;
  };
  return dynamic_first(model.inputs()) && dynamic_first(model.outputs());
}

StatusOr<std::vector<Tensor>> Batcher::Run(std::vector<Tensor> inputs, bool* queue_full) {
  if (queue_full) *queue_full = false;
  const int64_t rows = RowsOf(inputs);
  if (rows < 0 || rows > params_.max_batch_size) {
    // Not batchable with anyone else: runs on the caller's thread, as a batch of its own.
    if (observer_ && rows > 0) observer_(rows);
    return model_->Run(inputs);
  }
  auto task = std::make_unique<Task>();
  task->inputs = std::move(inputs);
  task->rows = rows;
  task->enqueued = Clock::now();
  auto future = task->done.get_future();
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (static_cast<int64_t>(queue_.size()) >=
        params_.max_enqueued_batches * params_.max_batch_size) {
      if (queue_full) *queue_full = true;
      return FailedPrecondition("the batch queue is full (" + std::to_string(queue_.size()) +
                                " requests waiting); try again later");
    }
    queue_.push_back(std::move(task));
  }
  cv_.notify_all();
  return future.get();
}

void Batcher::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    cv_.wait(lock, [this] { return stopping_ || (!collecting_ && !queue_.empty()); });
    if (queue_.empty()) {
      if (stopping_) return;
      continue;
    }
    std::vector<std::unique_ptr<Task>> batch = NextBatch(lock);
    lock.unlock();
    cv_.notify_all();  // another thread may start collecting the next batch
    if (!batch.empty()) RunBatch(std::move(batch));
    lock.lock();
  }
}

std::vector<std::unique_ptr<Batcher::Task>> Batcher::NextBatch(std::unique_lock<std::mutex>& lock) {
  collecting_ = true;
  const auto deadline =
      queue_.front()->enqueued + std::chrono::microseconds(params_.batch_timeout_micros);
  auto queued_rows = [this] {
    int64_t n = 0;
    for (const auto& t : queue_) n += t->rows;
    return n;
  };
  cv_.wait_until(lock, deadline, [&] {
    return stopping_ || queue_.empty() || queued_rows() >= params_.max_batch_size;
  });
  collecting_ = false;
  std::vector<std::unique_ptr<Task>> batch;
  if (queue_.empty()) return batch;
  // The oldest request and every later one that stacks with it and still fits.
  int64_t rows = 0;
  for (auto it = queue_.begin(); it != queue_.end();) {
    if (rows + (*it)->rows <= params_.max_batch_size &&
        (batch.empty() || Compatible(batch[0]->inputs, (*it)->inputs))) {
      rows += (*it)->rows;
      batch.push_back(std::move(*it));
      it = queue_.erase(it);
    } else {
      ++it;
    }
  }
  return batch;
}

void Batcher::RunBatch(std::vector<std::unique_ptr<Task>> batch) {
  int64_t total = 0;
  for (const auto& t : batch) total += t->rows;
  if (observer_) observer_(total);
  if (batch.size() == 1) {
    batch[0]->done.set_value(model_->Run(batch[0]->inputs));
    return;
  }
  std::vector<Tensor> merged;
  Status st;
  for (size_t i = 0; i < batch[0]->inputs.size() && st.ok(); ++i) {
    std::vector<const Tensor*> parts;
    for (const auto& t : batch) parts.push_back(&t->inputs[i]);
    auto m = ConcatRows(parts);
    if (!m.ok()) st = m.status();
    else merged.push_back(std::move(m).value());
  }
  StatusOr<std::vector<Tensor>> out =
      st.ok() ? model_->Run(merged) : StatusOr<std::vector<Tensor>>(st);
  if (!out.ok()) {
    // One bad request must not fail its neighbours: rerun each on its own.
    for (auto& t : batch) t->done.set_value(model_->Run(t->inputs));
    return;
  }
  bool splittable = true;
  for (const Tensor& o : *out) splittable = splittable && o.rank() > 0 && o.dim(0) == total;
  if (!splittable) {
    for (auto& t : batch) t->done.set_value(model_->Run(t->inputs));
    return;
  }
  int64_t begin = 0;
  for (auto& t : batch) {
    std::vector<Tensor> mine;
    for (const Tensor& o : *out) mine.push_back(SliceRows(o, begin, t->rows));
    begin += t->rows;
    t->done.set_value(std::move(mine));
  }
}

}  // namespace ferry::serve
