// Issue 4's layout metric on a UNet-style model (MaxPool, ConvTranspose, bilinear Upsample,
// Concat; tests/fixtures/export_unet.py, exported by /usr/bin/python3 with torch 1.13): the
// converted TF graph has exactly one Transpose at the 4-D input and one at the 4-D output, and
// agrees with ferry's ONNX runtime and with PyTorch's stored output at batch 1 and 3 (dynamic
// batch). Skipped when torch cannot export.
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "convert_test_util.h"
#include "core/npy.h"
#include "onnx/model_io.h"

namespace ferry::convert::testing {
namespace {

namespace fs = std::filesystem;

TEST(UnetTest, OneTransposePerLayoutCarryingBoundaryAndMatchesTorch) {
  const fs::path dir = fs::path(FERRY_BINARY_DIR) / "test_fixtures" / "convert" / "unet";
  if (!fs::exists(dir / "model.onnx")) {
    fs::create_directories(dir);
    const std::string cmd = "/usr/bin/python3 " + std::string(FERRY_SOURCE_DIR) +
                            "/tests/fixtures/export_unet.py " + dir.string() +
                            " --dynamic-batch > /dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) GTEST_SKIP() << "torch export failed: " << cmd;
  }
  auto onnx = onnx::LoadModel((dir / "model.onnx").string());
  ASSERT_TRUE(onnx.ok()) << onnx.status().ToString();
  for (const std::string op : {"MaxPool", "ConvTranspose", "Resize", "Concat"})
    ASSERT_GT(CountOps(**onnx, op), 0) << "the UNet fixture lost its " << op;
  for (int b : {1, 3}) {
    auto x = ReadNpy((dir / ("input_b" + std::to_string(b) + ".npy")).string());
    auto want = ReadNpy((dir / ("output_torch_b" + std::to_string(b) + ".npy")).string());
    ASSERT_TRUE(x.ok() && want.ok());
    Converted c = ConvertAndCompare(*onnx, {*x}, 1e-4f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Transpose"), 2) << "one at the input, one at the output";
    if (b == 1)  // the Transpose table row of docs/CONVERT.md
      std::printf("| UNet | %d | %d | %d | 2 |\n", (*onnx)->num_nodes(), c.tf->num_nodes(),
                  CountOps(*c.tf, "Transpose"));
    auto s = runtime::Session::Create(c.tf, tf::TfOpSet());
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    auto y = (*s)->Run({*x});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    ASSERT_EQ((*y)[0].shape(), want->shape());
    EXPECT_LE(MaxAbsDiff((*y)[0], *want), 1e-3f) << "TF graph vs PyTorch at batch " << b;
  }
}

}  // namespace
}  // namespace ferry::convert::testing
