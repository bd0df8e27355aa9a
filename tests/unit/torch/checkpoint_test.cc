#include "torch/checkpoint.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "test_util.h"
#include "torch/simple_cnn.h"

namespace ferry::torch {
namespace {

using testing_util::RunCommand;
using testing_util::ScratchDir;

const std::string kOracle = std::string(FERRY_SOURCE_DIR) + "/tests/unit/torch/torch_oracle.py";

bool HavePythonTorch() { return RunCommand("/usr/bin/python3 -c 'import torch' 2>/dev/null") == 0; }

SimpleCnnWeights RandomWeights(uint64_t seed) {
  auto model = SimpleCnn::CreateRandom(seed);
  EXPECT_TRUE(model.ok()) << model.status().ToString();
  auto w = (*model)->Weights();
  EXPECT_TRUE(w.ok()) << w.status().ToString();
  return *w;
}

TEST(CheckpointTest, RoundTripKeepsNamesOrderAndBytes) {
  ScratchDir dir;
  const SimpleCnnWeights w = RandomWeights(5);
  ASSERT_TRUE(w.Validate("").ok()) << w.Validate("").ToString();
  const std::string path = dir.file("model.pt");
  ASSERT_TRUE(SaveCheckpoint(w, path).ok());
  auto back = LoadCheckpoint(path);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->arch, "simplecnn");
  ASSERT_EQ(back->params.size(), SimpleCnnParamSpecs().size());
  for (size_t i = 0; i < back->params.size(); ++i) {
    const auto& [name, t] = back->params[i];
    EXPECT_EQ(name, SimpleCnnParamSpecs()[i].first);
    const Tensor* orig = w.Find(name);
    ASSERT_NE(orig, nullptr) << name;
    ASSERT_EQ(t.shape(), orig->shape()) << name;
    EXPECT_EQ(std::memcmp(t.raw_data(), orig->raw_data(), t.NumBytes()), 0) << name;
  }
  // Kaiming-uniform init: conv1's bound is 1/sqrt(fan_in = 25) = 0.2; not all zero.
  const Tensor* c1 = back->Find("conv1.weight");
  double max_abs = 0;
  for (int64_t i = 0; i < c1->NumElements(); ++i) {
    max_abs = std::max(max_abs, std::abs(static_cast<double>(c1->data<float>()[i])));
  }
  EXPECT_GT(max_abs, 0.05);
  EXPECT_LE(max_abs, 0.2 + 1e-6);
}

TEST(CheckpointTest, PythonTorchReadsOursAndWeReadPythons) {
  if (!HavePythonTorch()) GTEST_SKIP() << "/usr/bin/python3 has no torch";
  ScratchDir dir;
  // Python writes a checkpoint with torch.save; ferry reads it.
  const std::string py_path = dir.file("python.pt");
  ASSERT_EQ(RunCommand("/usr/bin/python3 " + kOracle + " save " + py_path + " 1"), 0);
  auto py = LoadCheckpoint(py_path);
  ASSERT_TRUE(py.ok()) << py.status().ToString();
  // ferry writes it back; Python's strict load_state_dict and forward must accept it (the
  // forward comparison itself is in torch_runner_test.cc).
  const std::string ours = dir.file("ours.pt");
  ASSERT_TRUE(SaveCheckpoint(*py, ours).ok());
  const std::string check =
      "/usr/bin/python3 -c \"import torch,sys; c=torch.load(sys.argv[1]); "
      "assert c['format']=='ferry.checkpoint' and c['arch']=='simplecnn', c; "
      "assert list(c['state_dict'])==['conv1.weight','conv1.bias','conv2.weight','conv2.bias',"
      "'fc.0.weight','fc.0.bias','fc.3.weight','fc.3.bias'], list(c['state_dict']); "
      "p=torch.load(sys.argv[2])['state_dict']; "
      "assert all(torch.equal(p[k], c['state_dict'][k]) for k in p)\" " +
      ours + " " + py_path;
  EXPECT_EQ(RunCommand(check), 0) << check;
}

TEST(CheckpointTest, ErrorsNameTheFileAndTheProblem) {
  ScratchDir dir;
  auto missing = LoadCheckpoint(dir.file("none.pt"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("none.pt"), std::string::npos);

  const std::string junk = dir.file("junk.pt");
  std::ofstream(junk) << "not a zip archive";
  auto bad = LoadCheckpoint(junk);
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("junk.pt"), std::string::npos);
  EXPECT_EQ(bad.status().message().find('\n'), std::string::npos) << bad.status().message();

  SimpleCnnWeights w = RandomWeights(1);
  w.params[2].second = Tensor::Zeros(DataType::kFloat32, Shape{64, 32, 3, 3});
  Status s = SaveCheckpoint(w, dir.file("bad_shape.pt"));
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("'conv2.weight' is float32[64,32,3,3], expected float32[64,32,5,5]"),
            std::string::npos)
      << s.message();
  EXPECT_FALSE(std::filesystem::exists(dir.file("bad_shape.pt")));

  w = RandomWeights(1);
  w.params.pop_back();
  s = w.Validate("x");
  EXPECT_NE(s.message().find("'fc.3.bias' is missing"), std::string::npos) << s.message();
  w = RandomWeights(1);
  w.params.emplace_back("fc.9.weight", Tensor::Zeros(DataType::kFloat32, Shape{1}));
  s = w.Validate("x");
  EXPECT_NE(s.message().find("unexpected parameter 'fc.9.weight'"), std::string::npos)
      << s.message();
}

}  // namespace
}  // namespace ferry::torch
