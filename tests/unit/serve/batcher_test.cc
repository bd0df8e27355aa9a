#include "serve/batcher.h"

#include <gtest/gtest.h>

#include <thread>

#include "fake_models.h"

namespace ferry::serve {
namespace {

using testing::FakeModel;
using testing::RunLog;

// Concurrent requests through the batcher get exactly what they would get alone, and some
// of them really are merged.
TEST(Batcher, MergedResultsEqualUnbatched) {
  auto log = std::make_shared<RunLog>();
  FakeModel model("scale", 2.0, /*delay_ms=*/2, log);
  BatchingParameters p;
  p.max_batch_size = 8;
  p.batch_timeout_micros = 20000;
  p.num_batch_threads = 2;
  std::atomic<int64_t> observed_rows{0};
  Batcher batcher(&model, p, [&](int64_t rows) { observed_rows += rows; });
  ASSERT_TRUE(Batcher::CanBatch(model));

  constexpr int kThreads = 16, kPerThread = 10;
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        // 1 or 2 rows, distinct values per request.
        const int64_t rows = 1 + (t + i) % 2;
        std::vector<float> v;
        for (int64_t k = 0; k < rows * 3; ++k) v.push_back(t * 1000 + i * 10 + k);
        auto out = batcher.Run({Tensor::FromVector<float>(v, Shape{rows, 3})});
        if (!out.ok() || out->size() != 1 || (*out)[0].shape() != Shape({rows, 3})) {
          ++wrong;
          continue;
        }
        for (size_t k = 0; k < v.size(); ++k)
          if ((*out)[0].data<float>()[k] != v[k] * 2) ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
  int64_t total = 0, largest = 0;
  for (int64_t r : log->batch_rows) {
    total += r;
    largest = std::max(largest, r);
    EXPECT_LE(r, p.max_batch_size);
  }
  EXPECT_EQ(total, observed_rows.load());
  EXPECT_GT(largest, 2) << "no two requests were ever merged";
  EXPECT_LT(log->batch_rows.size(), static_cast<size_t>(kThreads * kPerThread));
}

TEST(Batcher, IncompatibleAndOversizedRequestsRunAlone) {
  auto log = std::make_shared<RunLog>();
  FakeModel model("scale", 3.0, 0, log);
  BatchingParameters p;
  p.max_batch_size = 2;
  p.batch_timeout_micros = 1000;
  Batcher batcher(&model, p, nullptr);
  // 3 rows > max_batch_size: runs unbatched, still right.
  auto out = batcher.Run({Tensor::FromVector<float>(std::vector<float>(9, 1.0f), Shape{3, 3})});
  ASSERT_TRUE(out.ok());
  EXPECT_EQ((*out)[0].shape(), Shape({3, 3}));
  EXPECT_EQ((*out)[0].data<float>()[8], 3.0f);
  // A request of another shape is never merged with [*,3] ones, and still runs.
  auto other = batcher.Run({Tensor::FromVector<float>({1, 2}, Shape{2})});
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)[0].data<float>()[1], 6.0f);
}

TEST(Batcher, CanBatchNeedsDynamicFirstDims) {
  FakeModel fixed("fixed", 1.0, 0, nullptr);
  FakeModel multi("multi", 1.0, 0, nullptr);
  EXPECT_FALSE(Batcher::CanBatch(fixed));
  EXPECT_TRUE(Batcher::CanBatch(multi));
}

}  // namespace
}  // namespace ferry::serve
