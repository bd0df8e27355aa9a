// StepProfile (`ferry bench --profile`): rows in first-run order, one per (name, op type),
// medians as numpy.median computes them. Sessions recording into it: tests/e2e/runtime_test.sh.
#include "runtime/profile.h"

#include <gtest/gtest.h>

#include <thread>

namespace ferry::runtime {
namespace {

TEST(StepProfileTest, RowsInFirstRunOrderWithEveryTime) {
  StepProfile p;
  p.Record("conv", "Conv", 3.0);
  p.Record("relu", "Relu", 1.0);
  p.Record("conv", "Conv", 5.0);
  p.Record("conv", "Relu", 2.0);  // same name, other op: its own row
  const auto nodes = p.nodes();
  ASSERT_EQ(nodes.size(), 3u);
  EXPECT_EQ(nodes[0].name, "conv");
  EXPECT_EQ(nodes[0].op_type, "Conv");
  EXPECT_EQ(nodes[0].micros, (std::vector<double>{3.0, 5.0}));
  EXPECT_EQ(nodes[1].name, "relu");
  EXPECT_EQ(nodes[2].op_type, "Relu");
  p.Clear();
  EXPECT_TRUE(p.nodes().empty());
  p.Record("relu", "Relu", 4.0);
  ASSERT_EQ(p.nodes().size(), 1u);
  EXPECT_EQ(p.nodes()[0].micros.size(), 1u);
}

TEST(StepProfileTest, MedianOfOddEvenAndNone) {
  EXPECT_EQ(StepProfile::Median({}), 0.0);
  EXPECT_EQ(StepProfile::Median({7.0, 1.0, 3.0}), 3.0);
  EXPECT_EQ(StepProfile::Median({4.0, 1.0, 10.0, 2.0}), 3.0);
}

TEST(StepProfileTest, ConcurrentRecordsAllLand) {
  StepProfile p;
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t)
    threads.emplace_back([&p] {
      for (int i = 0; i < 1000; ++i) p.Record("n", "Op", 1.0);
    });
  for (auto& t : threads) t.join();
  ASSERT_EQ(p.nodes().size(), 1u);
  EXPECT_EQ(p.nodes()[0].micros.size(), 4000u);
}

}  // namespace
}  // namespace ferry::runtime
