// The Transpose table of issue 4: for torchvision classifiers (random weights, exported by
// /usr/bin/python3 with torch 1.13 through tests/fixtures/export_torchvision.py), the number
// of Transpose nodes in the converted TF graph beside the number of layout-carrying (4-D or
// 5-D) graph inputs and outputs; the goal is equality. Prints one Markdown row per model.
//
// Slow (one export per model), so it runs only with FERRY_TRANSPOSE_TABLE set, e.g.
//   FERRY_TRANSPOSE_TABLE=resnet18,mobilenet_v2 unit_convert --gtest_filter='TransposeTable*'
// (FERRY_TRANSPOSE_TABLE=all for the whole list). FERRY_TRANSPOSE_TABLE_ONNX=a.onnx,b.onnx adds
// rows for models exported elsewhere (vit_b_16: bench/big_model/export_vit.py), named by path.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>

#include "convert_test_util.h"
#include "onnx/model_io.h"

namespace ferry::convert::testing {
namespace {

namespace fs = std::filesystem;

const char* const kModels[] = {"resnet18",        "mobilenet_v2",       "squeezenet1_0",
                               "densenet121",     "googlenet",          "shufflenet_v2_x1_0",
                               "efficientnet_b0", "regnet_y_400mf",     "mnasnet0_5",
                               "convnext_tiny",   "vgg11",              "alexnet"};

int LayoutCarrying(const ir::Graph& g) {
  int n = 0;
  for (const ir::Value* v : g.inputs())
    if (!v->is_constant() && v->info().shape && (v->info().shape->size() == 4 || v->info().shape->size() == 5)) ++n;
  for (const ir::Value* v : g.outputs())
    if (v->info().shape && (v->info().shape->size() == 4 || v->info().shape->size() == 5)) ++n;
  return n;
}

TEST(TransposeTable, Torchvision) {
  const char* env = std::getenv("FERRY_TRANSPOSE_TABLE");
  if (!env) GTEST_SKIP() << "set FERRY_TRANSPOSE_TABLE=all or a comma-separated model list";
  const std::string want = env;
  const fs::path root = fs::path(FERRY_BINARY_DIR) / "test_fixtures" / "convert";
  std::printf("| model | ONNX nodes | TF nodes | Transpose | layout-carrying inputs+outputs |\n");
  std::printf("|---|---|---|---|---|\n");
  int converted = 0;
  for (const char* name : kModels) {
    if (want != "all" && ("," + want + ",").find("," + std::string(name) + ",") == std::string::npos)
      continue;
    const fs::path dir = root / name;
    if (!fs::exists(dir / "model.onnx")) {
      fs::create_directories(root);
      const std::string cmd = "/usr/bin/python3 " + std::string(FERRY_SOURCE_DIR) +
                              "/tests/fixtures/export_torchvision.py " + dir.string() +
                              " --model " + name + " --dynamic-batch > /dev/null 2>&1";
      if (std::system(cmd.c_str()) != 0) {
        std::printf("| %s | export failed | | | |\n", name);
        continue;
      }
    }
    auto onnx = onnx::LoadModel((dir / "model.onnx").string());
    ASSERT_TRUE(onnx.ok()) << onnx.status().ToString();
    auto tf = ConvertOnnxToTf(**onnx);
    if (!tf.ok()) {
      std::string msg = tf.status().message().substr(0, 120);
      std::printf("| %s | %d | convert error: %s | | |\n", name, (*onnx)->num_nodes(), msg.c_str());
      continue;
    }
    ++converted;
    const int transposes = CountOps(**tf, "Transpose");
    const int carrying = LayoutCarrying(**onnx);
    std::printf("| %s | %d | %d | %d | %d |\n", name, (*onnx)->num_nodes(), (*tf)->num_nodes(),
                transposes, carrying);
    EXPECT_GE(transposes, 0);
  }
  if (const char* extra = std::getenv("FERRY_TRANSPOSE_TABLE_ONNX")) {
    std::stringstream list(extra);
    std::string path;
    while (std::getline(list, path, ',')) {
      if (path.empty()) continue;
      auto onnx = onnx::LoadModel(path);
      ASSERT_TRUE(onnx.ok()) << onnx.status().ToString();
      auto tf = ConvertOnnxToTf(**onnx);
      ASSERT_TRUE(tf.ok()) << path << ": " << tf.status().ToString();
      ++converted;
      std::printf("| %s | %d | %d | %d | %d |\n", path.c_str(), (*onnx)->num_nodes(),
                  (*tf)->num_nodes(), CountOps(**tf, "Transpose"), LayoutCarrying(**onnx));
    }
  }
  std::fflush(stdout);
  EXPECT_GT(converted, 0) << "no model converted";
}

}  // namespace
}  // namespace ferry::convert::testing
