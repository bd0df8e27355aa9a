// Whole models exported by PyTorch 1.13 at test time (Debian's /usr/bin/python3): SimpleCNN
// (as src/torch/simple_cnn.cc defines it) and torchvision's resnet18 and mobilenet_v2 with
// random weights and BatchNorm statistics. Each is converted, run through the ONNX and the
// TF op sets on the same input (and checked against PyTorch's own output where the fixture
// script saved it), and must hold exactly one Transpose: the one at its 4-D input.
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "convert_test_util.h"
#include "core/npy.h"
#include "onnx/model_io.h"

namespace ferry::convert::testing {
namespace {

namespace fs = std::filesystem;

const char kSimpleCnnScript[] = R"PY(
import sys, torch
from torch import nn

class SimpleCNN(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, 5, stride=2)
        self.conv2 = nn.Conv2d(32, 64, 5, stride=2)
        self.max_pool = nn.MaxPool2d(1)
        self.flatten = nn.Flatten()
        self.relu = nn.ReLU()
        self.fc = nn.Sequential(nn.Linear(1024, 512), nn.ReLU(), nn.Dropout(0.5),
                                nn.Linear(512, 10))

    def forward(self, x):
        x = self.max_pool(self.conv1(x))
        x = self.max_pool(self.conv2(x))
        if VIEW:
            x = x.view(x.size(0), -1)
        else:
            x = self.flatten(x)
        return self.fc(self.relu(x))

VIEW = sys.argv[2] == "view"
torch.manual_seed(0)
m = SimpleCNN().eval()
torch.onnx.export(m, torch.randn(1, 1, 28, 28), sys.argv[1], input_names=["input"],
                  output_names=["output"], dynamic_axes={"input": {0: "batch"},
                  "output": {0: "batch"}}, opset_version=13)
)PY";

fs::path FixtureDir() { return fs::path(FERRY_BINARY_DIR) / "test_fixtures" / "convert"; }

bool Run(const std::string& cmd) {
  int rc = std::system(cmd.c_str());
  EXPECT_EQ(rc, 0) << cmd;
  return rc == 0;
}

// Exports once per build tree; later runs reuse the file.
std::string SimpleCnnModel(const std::string& variant) {
  fs::path dir = FixtureDir();
  fs::create_directories(dir);
  fs::path model = dir / ("simple_cnn_" + variant + ".onnx");
  if (fs::exists(model)) return model.string();
  fs::path script = dir / ("export_simple_cnn." + std::to_string(::getpid()) + ".py");
  std::ofstream(script) << kSimpleCnnScript;
  fs::path tmp = dir / ("simple_cnn_" + variant + "." + std::to_string(::getpid()) + ".onnx");
  if (!Run("/usr/bin/python3 " + script.string() + " " + tmp.string() + " " + variant)) return "";
  fs::rename(tmp, model);
  return model.string();
}

fs::path TorchvisionDir(const std::string& name) {
  fs::path dir = FixtureDir() / name;
  if (fs::exists(dir / "model.onnx")) return dir;
  fs::path tmp = FixtureDir() / (name + "." + std::to_string(::getpid()) + ".tmp");
  fs::remove_all(tmp);
  fs::create_directories(FixtureDir());
  if (!Run("/usr/bin/python3 " + std::string(FERRY_SOURCE_DIR) +
           "/tests/fixtures/export_torchvision.py " + tmp.string() + " --model " + name +
           " --dynamic-batch > /dev/null"))
    return {};
  // Another test process may have finished the same export meanwhile: keep the first.
  std::error_code ec;
  fs::rename(tmp, dir, ec);
  if (ec) fs::remove_all(tmp);
  return dir;
}

// Converts and compares on `inputs`; returns the TF graph.
std::shared_ptr<ir::Graph> CheckModel(const std::string& path, const std::vector<Tensor>& inputs,
                                      float atol, int transposes = 1) {
  auto onnx = onnx::LoadModel(path);
  EXPECT_TRUE(onnx.ok()) << onnx.status().ToString();
  if (!onnx.ok()) return nullptr;
  Converted c = ConvertAndCompare(*onnx, inputs, atol);
  if (!c.tf) return nullptr;
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), transposes) << path;
  EXPECT_EQ(c.tf->inputs().size(), 1u);
  EXPECT_EQ(c.tf->outputs().size(), 1u);
  EXPECT_EQ(c.tf->outputs()[0]->name(), "output");
  std::printf("%s: %d TF nodes, max |onnx - tf| = %g\n", path.c_str(), c.tf->num_nodes(),
              c.max_diff);
  return c.tf;
}

// The input's NCHW -> NHWC Transpose of a one-channel image moves no data: fold_transposes
// makes it a Reshape, so no Transpose is left.
TEST(ModelsTest, SimpleCnnFlattenAndViewHaveNoTranspose) {
  for (const std::string variant : {"flatten", "view"}) {
    std::string path = SimpleCnnModel(variant);
    ASSERT_FALSE(path.empty());
    for (int64_t batch : {1, 4}) {
      auto tf = CheckModel(path, {RandomInput({batch, 1, 28, 28}, 100 + batch)}, 1e-4f, 0);
      ASSERT_TRUE(tf) << variant << " batch " << batch;
      EXPECT_EQ(CountOps(*tf, "Conv2D"), 2);
      EXPECT_EQ(CountOps(*tf, "MatMul"), 2);
      EXPECT_EQ(CountOps(*tf, "Shape"), 0) << variant;
    }
  }
}

void CheckTorchvision(const std::string& name) {
  fs::path dir = TorchvisionDir(name);
  ASSERT_FALSE(dir.empty());
  auto x = ReadNpy((dir / "input_b1.npy").string());
  ASSERT_TRUE(x.ok()) << x.status().ToString();
  auto tf = CheckModel((dir / "model.onnx").string(), {*x}, 1e-4f);
  ASSERT_TRUE(tf);
  // Against PyTorch's eager output too.
  auto want = ReadNpy((dir / "output_torch_b1.npy").string());
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  auto s = runtime::Session::Create(tf, tf::TfOpSet());
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  auto y = (*s)->Run({*x});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ((*y)[0].shape(), want->shape());
  EXPECT_LE(MaxAbsDiff((*y)[0], *want), 1e-3f) << name << " vs PyTorch";
  // Timing for the record (not asserted): median of 5 runs at batch 1, ONNX vs TF op set.
  auto onnx_graph = onnx::LoadModel((dir / "model.onnx").string());
  ASSERT_TRUE(onnx_graph.ok());
  auto os = runtime::Session::Create(*onnx_graph, onnx::OnnxOpSet());
  ASSERT_TRUE(os.ok());
  auto median_ms = [&](const runtime::Session& session) {
    std::vector<double> ms;
    for (int i = 0; i < 5; ++i) {
      auto t0 = std::chrono::steady_clock::now();
      EXPECT_TRUE(session.Run({*x}).ok());
      ms.push_back(
          std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[2];
  };
  std::printf("%s batch 1, %d threads: onnx op set %.1f ms, tf op set %.1f ms\n", name.c_str(),
              (*s)->num_threads(), median_ms(**os), median_ms(**s));
  // Dynamic batch survives conversion.
  auto x3 = ReadNpy((dir / "input_b3.npy").string());
  ASSERT_TRUE(x3.ok());
  auto y3 = (*s)->Run({*x3});
  ASSERT_TRUE(y3.ok()) << y3.status().ToString();
  EXPECT_EQ((*y3)[0].shape(), (Shape{3, 1000}));
}

TEST(ModelsTest, ResNet18) { CheckTorchvision("resnet18"); }

TEST(ModelsTest, MobileNetV2) { CheckTorchvision("mobilenet_v2"); }

}  // namespace
}  // namespace ferry::convert::testing
