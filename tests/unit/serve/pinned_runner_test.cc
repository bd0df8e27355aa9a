#include "serve/pinned_runner.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

namespace ferry::serve {
namespace {

// Records the thread each Run happens on; fails if it ever changes for this instance.
class ThreadCheckingModel : public check::ModelRunner {
 public:
  std::string kind() const override { return "onnx"; }
  const std::vector<check::TensorSpec>& inputs() const override { return specs_; }
  const std::vector<check::TensorSpec>& outputs() const override { return specs_; }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& in) const override {
    std::lock_guard<std::mutex> lock(mu_);
    if (first_ == std::thread::id()) first_ = std::this_thread::get_id();
    if (first_ != std::this_thread::get_id()) ++moved_;
    ++runs_;
    Tensor y = in[0].Clone();
    y.data<float>()[0] += 1;
    return std::vector<Tensor>{y};
  }
  int moved() const { return moved_; }
  int runs() const { return runs_; }

 private:
  std::vector<check::TensorSpec> specs_ = {{"x", DataType::kFloat32, {-1}}};
  mutable std::mutex mu_;
  mutable std::thread::id first_;
  mutable int moved_ = 0, runs_ = 0;
};

TEST(PinnedRunner, EachInstanceStaysOnItsThread) {
  std::vector<std::unique_ptr<check::ModelRunner>> instances;
  std::vector<const ThreadCheckingModel*> models;
  for (int i = 0; i < 3; ++i) {
    auto m = std::make_unique<ThreadCheckingModel>();
    models.push_back(m.get());
    instances.push_back(std::move(m));
  }
  int total = 0;
  {
    PinnedRunner runner(std::move(instances));
    EXPECT_EQ(runner.inputs()[0].name, "x");
    std::atomic<int> wrong{0};
    std::vector<std::thread> callers;
    for (int t = 0; t < 8; ++t) {
      callers.emplace_back([&, t] {
        for (int i = 0; i < 50; ++i) {
          const float v = t * 100 + i;
          auto out = runner.Run({Tensor::FromVector<float>({v}, Shape{1})});
          if (!out.ok() || (*out)[0].data<float>()[0] != v + 1) ++wrong;
        }
      });
    }
    for (auto& c : callers) c.join();
    EXPECT_EQ(wrong, 0);
  }
  for (const ThreadCheckingModel* m : models) {
    EXPECT_EQ(m->moved(), 0);
    total += m->runs();
  }
  EXPECT_EQ(total, 400);
}

}  // namespace
}  // namespace ferry::serve
