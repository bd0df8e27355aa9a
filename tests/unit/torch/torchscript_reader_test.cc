// The TorchScript reader (IR(aten)) and the Lightning checkpoint reader, on files written at
// test time by Debian's python3-torch.
#include "torch/torchscript_reader.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <string>

#include "test_util.h"
#include "torch/checkpoint.h"

namespace ferry::torch {
namespace {

using convert::torch_to_onnx::AtenGraph;
using convert::torch_to_onnx::AtenKind;
using convert::torch_to_onnx::AtenNode;
using testing_util::RunCommand;
using testing_util::ScratchDir;

bool HavePythonTorch() { return RunCommand("/usr/bin/python3 -c 'import torch' 2>/dev/null") == 0; }

// Writes `code` to dir/make.py and runs it with dir as its argument.
void RunPython(const ScratchDir& dir, const std::string& code) {
  std::ofstream(dir.file("make.py")) << code;
  ASSERT_EQ(RunCommand("/usr/bin/python3 " + dir.file("make.py") + " " + dir.file("") +
                       " >/dev/null 2>&1"),
            0);
}

const AtenNode* FindNode(const AtenGraph& g, const std::string& kind) {
  for (const AtenNode& n : g.nodes)
    if (n.kind == kind) return &n;
  return nullptr;
}

TEST(TorchScriptReaderTest, FreezesInlinesAndRecordsShapesAndSources) {
  if (!HavePythonTorch()) GTEST_SKIP() << "python3-torch not installed";
  ScratchDir dir;
  RunPython(dir, R"(import sys, torch
class M(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.conv = torch.nn.Conv2d(3, 4, 3, padding=1)
        self.bn = torch.nn.BatchNorm2d(4)
    def forward(self, x):
        y = torch.relu(self.bn(self.conv(x)))
        return y.flatten(1), y.mean([2, 3])
torch.jit.trace(M().eval(), torch.zeros(1, 3, 8, 8)).save(sys.argv[1] + "/m.pt")
)");
  const std::string path = dir.file("m.pt");
  ASSERT_TRUE(IsTorchScriptFile(path));
  auto g = ReadTorchScript(path, {{{2, 3, 8, 8}, DataType::kFloat32}});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ(g->input_names, std::vector<std::string>({"x"}));
  ASSERT_EQ(g->inputs.size(), 1u);
  ASSERT_EQ(g->outputs.size(), 2u);  // the tuple is flattened
  // Parameters are frozen into constants: no prim::GetAttr is left.
  EXPECT_EQ(FindNode(*g, "prim::GetAttr"), nullptr);
  const AtenNode* conv = FindNode(*g, "aten::_convolution");
  ASSERT_NE(conv, nullptr);
  const auto& weight = g->values[conv->inputs[1]];
  ASSERT_TRUE(weight.constant.has_value());
  EXPECT_EQ(weight.constant->shape().dims(), std::vector<int64_t>({4, 3, 3, 3}));
  const auto& stride = g->values[conv->inputs[3]];
  EXPECT_EQ(stride.kind, AtenKind::kIntList);
  // Shapes come from the run on the example (batch 2), not from the trace (batch 1).
  const auto& y = g->values[conv->outputs[0]];
  ASSERT_TRUE(y.sizes.has_value());
  EXPECT_EQ(*y.sizes, std::vector<int64_t>({2, 4, 8, 8}));
  EXPECT_EQ(y.dtype, DataType::kFloat32);
  // The source location is the Python line of the module that made the node.
  EXPECT_NE(conv->source.find("conv.py:"), std::string::npos) << conv->source;
  const AtenNode* relu = FindNode(*g, "aten::relu");
  ASSERT_NE(relu, nullptr);
  EXPECT_NE(relu->source.find("make.py:8"), std::string::npos) << relu->source;
}

TEST(TorchScriptReaderTest, WrongInputCountNamesTheFile) {
  if (!HavePythonTorch()) GTEST_SKIP() << "python3-torch not installed";
  ScratchDir dir;
  RunPython(dir, R"(import sys, torch
class M(torch.nn.Module):
    def forward(self, a, b):
        return a + b
torch.jit.script(M()).save(sys.argv[1] + "/m.pt")
)");
  auto g = ReadTorchScript(dir.file("m.pt"), {{{2}, DataType::kFloat32}});
  ASSERT_FALSE(g.ok());
  EXPECT_NE(g.status().message().find("m.pt"), std::string::npos) << g.status().ToString();
  EXPECT_NE(g.status().message().find("forward takes 2 tensors, got 1"), std::string::npos)
      << g.status().ToString();
  EXPECT_FALSE(IsTorchScriptFile(dir.file("make.py")));
}

TEST(LightningCheckpointTest, ReadsModelPrefixedStateDictAndIgnoresTheRest) {
  if (!HavePythonTorch()) GTEST_SKIP() << "python3-torch not installed";
  ScratchDir dir;
  const std::string maker = std::string(FERRY_SOURCE_DIR) + "/bench/export/make_lightning_ckpt.py";
  ASSERT_EQ(RunCommand("/usr/bin/python3 " + maker + " " + dir.file("pl") + " >/dev/null 2>&1"), 0);
  // The reference: the same tensors read by Python, one value per parameter.
  std::ofstream(dir.file("dump.py")) << R"(import sys, torch
sd = torch.load(sys.argv[1])["state_dict"]
for k, v in sd.items():
    print(k, v.numel(), float(v.flatten()[-1]))
)";
  ASSERT_EQ(RunCommand("/usr/bin/python3 " + dir.file("dump.py") + " " + dir.file("pl/MNIST.ckpt") +
                       " > " + dir.file("dump.txt")),
            0);
  auto w = LoadLightningCheckpoint(dir.file("pl/MNIST.ckpt"), "simplecnn");
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::ifstream dump(dir.file("dump.txt"));
  std::string name;
  int64_t numel = 0;
  double last = 0;
  int seen = 0;
  while (dump >> name >> numel >> last) {
    ASSERT_EQ(name.rfind("model.", 0), 0u) << name;
    const Tensor* t = w->Find(name.substr(6));
    ASSERT_NE(t, nullptr) << name;
    EXPECT_EQ(t->NumElements(), numel) << name;
    EXPECT_FLOAT_EQ(t->data<float>()[numel - 1], static_cast<float>(last)) << name;
    ++seen;
  }
  EXPECT_EQ(seen, 8);
  auto bad = LoadLightningCheckpoint(dir.file("pl/MNIST.ckpt"), "resnet");
  EXPECT_FALSE(bad.ok());
}

}  // namespace
}  // namespace ferry::torch
