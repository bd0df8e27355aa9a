#include "torch/torch_runner.h"

#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <random>
#include <string>

#include "core/npy.h"
#include "test_util.h"
#include "torch/checkpoint.h"
#include "torch/simple_cnn.h"

namespace ferry::torch {
namespace {

using testing_util::RunCommand;
using testing_util::ScratchDir;

const std::string kOracle = std::string(FERRY_SOURCE_DIR) + "/tests/unit/torch/torch_oracle.py";

bool HavePythonTorch() { return RunCommand("/usr/bin/python3 -c 'import torch' 2>/dev/null") == 0; }

// Pixels in [0, 1], as the model expects (pixel / 255).
Tensor RandomImages(int64_t n, uint32_t seed) {
  Tensor t(DataType::kFloat32, Shape{n, 1, 28, 28});
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> u(0.0f, 1.0f);
  for (int64_t i = 0; i < t.NumElements(); ++i) t.data<float>()[i] = u(rng);
  return t;
}

double MaxAbsDiff(const Tensor& a, const Tensor& b) {
  double m = 0;
  for (int64_t i = 0; i < a.NumElements(); ++i) {
    m = std::max(m, std::abs(static_cast<double>(a.data<float>()[i]) - b.data<float>()[i]));
  }
  return m;
}

TEST(TorchModelTest, CheckpointForwardMatchesPythonGuideModel) {
  if (!HavePythonTorch()) GTEST_SKIP() << "/usr/bin/python3 has no torch";
  ScratchDir dir;
  auto model = SimpleCnn::CreateRandom(11);
  ASSERT_TRUE(model.ok());
  auto weights = (*model)->Weights();
  ASSERT_TRUE(weights.ok());
  const std::string ckpt = dir.file("model.pt");
  ASSERT_TRUE(SaveCheckpoint(*weights, ckpt).ok());

  auto tm = TorchModel::Load(ckpt);
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  EXPECT_EQ((*tm)->kind(), TorchModel::Kind::kFerryCheckpoint);
  ASSERT_EQ((*tm)->inputs().size(), 1u);
  EXPECT_EQ((*tm)->inputs()[0].name, "input");
  EXPECT_EQ((*tm)->inputs()[0].shape, (std::vector<int64_t>{-1, 1, 28, 28}));
  EXPECT_EQ((*tm)->output_names(), std::vector<std::string>{"output"});

  for (int64_t batch : {1, 5}) {
    const Tensor x = RandomImages(batch, 100 + batch);
    auto y = (*tm)->Run({x});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    ASSERT_EQ(y->size(), 1u);
    ASSERT_EQ((*y)[0].shape(), (Shape{batch, 10}));

    const std::string in = dir.file("in.npy"), out = dir.file("out.npy");
    ASSERT_TRUE(WriteNpy(in, x).ok());
    ASSERT_EQ(RunCommand("/usr/bin/python3 " + kOracle + " forward " + ckpt + " " + in + " " + out),
              0);
    auto want = ReadNpy(out);
    ASSERT_TRUE(want.ok()) << want.status().ToString();
    ASSERT_EQ(want->shape(), (*y)[0].shape());
    // Same libtorch kernels on both sides; only thread partitioning may differ.
    EXPECT_LT(MaxAbsDiff((*y)[0], *want), 1e-5) << "batch " << batch;
    // log_softmax rows are log-probabilities: exp sums to 1.
    double sum = 0;
    for (int c = 0; c < 10; ++c) sum += std::exp((*y)[0].data<float>()[c]);
    EXPECT_NEAR(sum, 1.0, 1e-5);
  }
}

TEST(TorchModelTest, TorchScriptForwardMatchesPython) {
  if (!HavePythonTorch()) GTEST_SKIP() << "/usr/bin/python3 has no torch";
  ScratchDir dir;
  const Tensor x = RandomImages(3, 7);
  const std::string in = dir.file("in.npy"), out = dir.file("out.npy"), ts = dir.file("ts.pt");
  ASSERT_TRUE(WriteNpy(in, x).ok());
  ASSERT_EQ(RunCommand("/usr/bin/python3 " + kOracle + " script " + ts + " " + in + " " + out), 0);
  auto tm = TorchModel::Load(ts);
  ASSERT_TRUE(tm.ok()) << tm.status().ToString();
  EXPECT_EQ((*tm)->kind(), TorchModel::Kind::kTorchScript);
  ASSERT_EQ((*tm)->inputs().size(), 1u);
  EXPECT_EQ((*tm)->inputs()[0].name, "x");  // the guide's forward(self, x)
  EXPECT_FALSE((*tm)->inputs()[0].shape.has_value());
  auto y = (*tm)->Run({x});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ(y->size(), 1u);
  EXPECT_EQ((*tm)->output_names(), std::vector<std::string>{"output_0"});
  auto want = ReadNpy(out);
  ASSERT_TRUE(want.ok());
  ASSERT_EQ((*y)[0].shape(), want->shape());
  EXPECT_LT(MaxAbsDiff((*y)[0], *want), 1e-5);

  // A wrong input shape is an error from libtorch, caught at the edge.
  auto bad = (*tm)->Run({RandomImages(1, 1).Reshaped(Shape{1, 28, 28, 1}).value()});
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find(ts), std::string::npos) << bad.status().message();
  EXPECT_EQ(bad.status().message().find('\n'), std::string::npos) << bad.status().message();
}

TEST(TorchModelTest, LoadAndRunErrors) {
  ScratchDir dir;
  auto missing = TorchModel::Load(dir.file("absent.pt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);

  const std::string junk = dir.file("junk.pt");
  std::ofstream(junk) << "hello";
  auto bad = TorchModel::Load(junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not a PyTorch zip archive"), std::string::npos)
      << bad.status().message();

  auto model = SimpleCnn::CreateRandom(2);
  ASSERT_TRUE(model.ok());
  const std::string ckpt = dir.file("m.pt");
  ASSERT_TRUE(SaveCheckpoint((*model)->Weights().value(), ckpt).ok());
  auto tm = TorchModel::Load(ckpt);
  ASSERT_TRUE(tm.ok());
  auto wrong_shape = (*tm)->Run({Tensor::Zeros(DataType::kFloat32, Shape{2, 3, 28, 28})});
  ASSERT_FALSE(wrong_shape.ok());
  EXPECT_NE(wrong_shape.status().message().find("float32[2,3,28,28]"), std::string::npos)
      << wrong_shape.status().message();
  auto wrong_count = (*tm)->Run({});
  ASSERT_FALSE(wrong_count.ok());
  EXPECT_NE(wrong_count.status().message().find("got 0 inputs, expected 1"), std::string::npos);
}

}  // namespace
}  // namespace ferry::torch
