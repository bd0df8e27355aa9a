// Each format's round trip must compute what the original graph computes: the read graph
// runs in ferry's TF runtime and is compared with the original's output. When TF.js and Node
// are installed (tests/oracles), TF.js itself runs the written model.json as an independent
// check of the file.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>

#include "core/npy.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"
#include "tf/saved_model.h"
#include "tf_test_graphs.h"

namespace ferry::tf {
namespace {

namespace fs = std::filesystem;
using testing::FreshPath;
using testing::MakeConvGraph;

Tensor MakeInput() {
  Tensor x(DataType::kFloat32, Shape{2, 1, 28, 28});
  for (int64_t i = 0; i < x.NumElements(); ++i)
    x.data<float>()[i] = static_cast<float>((i * 37) % 101) / 50.0f - 1.0f;
  return x;
}

StatusOr<Tensor> RunGraph(std::shared_ptr<const ir::Graph> g, const Tensor& x) {
  FERRY_ASSIGN_OR_RETURN(auto session, runtime::Session::Create(std::move(g), TfOpSet()));
  FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> y, session->Run(std::vector<Tensor>{x}));
  return y.at(0);
}

double MaxAbsDiff(const Tensor& a, const Tensor& b) {
  double m = 0;
  for (int64_t i = 0; i < a.NumElements(); ++i)
    m = std::max(m, std::abs(a.GetAsDouble(i) - b.GetAsDouble(i)));
  return m;
}

TEST(TfRoundTripRunTest, EveryFormatComputesWhatTheOriginalComputes) {
  auto g = MakeConvGraph(4);
  const Tensor x = MakeInput();
  auto expected = RunGraph(g, x);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  ASSERT_EQ(expected->shape(), (Shape{2, 29, 27, 4}));  // EXPLICIT padding (1,2) x (0,1)

  const std::string base = FreshPath("run");
  fs::create_directories(base);
  ASSERT_TRUE(WriteFrozenGraph(*g, base + "/frozen.pb").ok());
  ASSERT_TRUE(WriteSavedModel(*g, base + "/saved", {}).ok());
  ASSERT_TRUE(WriteTfjs(*g, base + "/tfjs", {}).ok());
  for (const std::string& p : {base + "/frozen.pb", base + "/saved", base + "/tfjs"}) {
    auto h = LoadTfModel(p);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    auto y = RunGraph(*h, x);
    ASSERT_TRUE(y.ok()) << p << ": " << y.status().ToString();
    ASSERT_EQ(y->shape(), expected->shape()) << p;
    EXPECT_EQ(MaxAbsDiff(*y, *expected), 0.0) << p;  // same kernels, same bytes
  }
  fs::remove_all(base);
}

TEST(TfRoundTripRunTest, TfjsRunsOurModelJson) {
  const fs::path modules = fs::path(FERRY_SOURCE_DIR) / "tests/oracles/node_modules";
  if (!fs::exists(modules / "@tensorflow/tfjs") || std::system("node --version > /dev/null 2>&1"))
    GTEST_SKIP() << "TF.js oracle not installed (tests/oracles/node_modules, node)";
  auto g = MakeConvGraph(4);
  const Tensor x = MakeInput();
  auto expected = RunGraph(g, x);
  ASSERT_TRUE(expected.ok()) << expected.status().ToString();
  const std::string base = FreshPath("tfjs_oracle");
  fs::create_directories(base);
  ASSERT_TRUE(WriteTfjs(*g, base + "/model", {}).ok());
  ASSERT_TRUE(WriteNpy(base + "/x.npy", x).ok());
  const std::string script = std::string(FERRY_SOURCE_DIR) + "/tests/unit/tf/tfjs_load_check.js";
  const std::string cmd = "node '" + script + "' '" + base + "/model' '" + modules.string() +
                          "' '" + base + "/x.npy' '" + base + "/y.npy' > /dev/null 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto y = ReadNpy(base + "/y.npy");
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ(y->shape(), expected->shape());
  EXPECT_LT(MaxAbsDiff(*y, *expected), 1e-5);
  fs::remove_all(base);
}

}  // namespace
}  // namespace ferry::tf
