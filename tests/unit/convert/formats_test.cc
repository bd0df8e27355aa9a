// Converted graphs through the TF file formats: written as TF.js graph model and frozen
// GraphDef by src/tf, read back, run again; and the TF.js model run by TensorFlow.js 4.22
// itself (tests/oracles/run_tfjs.js), the executor that shares no code with ferry.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "convert_test_util.h"
#include "core/npy.h"
#include "onnx/model_io.h"
#include "tf/graph_def.h"
#include "tf/saved_model.h"
#include "tf/tfjs.h"

namespace ferry::convert::testing {
namespace {

namespace fs = std::filesystem;

fs::path Fixtures() { return fs::path(FERRY_BINARY_DIR) / "test_fixtures" / "convert"; }

StatusOr<std::vector<Tensor>> RunTf(std::shared_ptr<ir::Graph> g, const Tensor& x) {
  FERRY_ASSIGN_OR_RETURN(auto s, runtime::Session::Create(g, tf::TfOpSet()));
  return s->Run({x});
}

// The mobilenet_v2 export models_test.cc also uses (ctest runs each test alone, so either
// may come first): exported once per build tree.
std::string MobileNetV2Path() {
  fs::path p = Fixtures() / "mobilenet_v2" / "model.onnx";
  if (fs::exists(p)) return p.string();
  fs::create_directories(Fixtures());
  fs::path tmp = Fixtures() / ("mobilenet_v2." + std::to_string(::getpid()) + ".tmp");
  fs::remove_all(tmp);
  std::string cmd = "/usr/bin/python3 " + std::string(FERRY_SOURCE_DIR) +
                    "/tests/fixtures/export_torchvision.py " + tmp.string() +
                    " --model mobilenet_v2 --dynamic-batch > /dev/null";
  if (std::system(cmd.c_str()) != 0) return "";
  // Another test process may have finished the same export meanwhile: keep the first.
  std::error_code ec;
  fs::rename(tmp, p.parent_path(), ec);
  if (ec) fs::remove_all(tmp);
  return p.string();
}

// A small CNN with every layout case: asymmetric EXPLICIT conv, depthwise, resnet-style
// MaxPool (PadV2 -inf), channel Concat, flatten into Gemm with permuted rows.
std::shared_ptr<ir::Graph> ConvStack() {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 12, 12});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {8, 3, 3, 3}), g.Random("b", {8})},
                      {{"pads", Attr::Ints({1, 1, 1, 1})}, {"strides", Attr::Ints({2, 2})}});
  ir::Value* r =
      g.Op("Clip", "relu6",
           {c, g.Const("lo", Tensor::Scalar<float>(0)), g.Const("hi", Tensor::Scalar<float>(6))});
  ir::Value* d = g.Op("Conv", "dw", {r, g.Random("dw_w", {8, 1, 3, 3}), g.Random("dw_b", {8})},
                      {{"pads", Attr::Ints({1, 1, 1, 1})}, {"group", Attr::Int(8)}});
  ir::Value* m = g.Op("MaxPool", "pool", {d},
                      {{"kernel_shape", Attr::Ints({3, 3})},
                       {"strides", Attr::Ints({2, 2})},
                       {"pads", Attr::Ints({1, 1, 1, 1})}});
  ir::Value* cat = g.Op("Concat", "cat", {m, m}, {{"axis", Attr::Int(1)}});
  ir::Value* f = g.Op("Flatten", "flat", {cat});
  g.Output(g.Op("Gemm", "fc", {f, g.Random("fw", {5, 16 * 9}), g.Random("fb", {5})},
                {{"transB", Attr::Int(1)}}));
  return g.graph();
}

void CheckFormats(const std::shared_ptr<ir::Graph>& onnx, const Tensor& x, const std::string& tag) {
  auto tf = ConvertOnnxToTf(*onnx);
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  auto os = runtime::Session::Create(onnx, onnx::OnnxOpSet());
  ASSERT_TRUE(os.ok()) << os.status().ToString();
  auto want = (*os)->Run({x});
  ASSERT_TRUE(want.ok()) << want.status().ToString();
  auto direct = RunTf(*tf, x);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_LE(MaxAbsDiff((*direct)[0], (*want)[0]), 1e-4f) << tag;

  const fs::path dir = Fixtures() / ("formats_" + tag);
  fs::remove_all(dir);
  fs::create_directories(dir);
  // Frozen GraphDef round trip.
  const std::string pb = (dir / "frozen.pb").string();
  Status ws = tf::WriteFrozenGraph(**tf, pb);
  ASSERT_TRUE(ws.ok()) << ws.ToString();
  auto frozen = tf::ReadFrozenGraph(pb);
  ASSERT_TRUE(frozen.ok()) << frozen.status().ToString();
  auto fy = RunTf(*frozen, x);
  ASSERT_TRUE(fy.ok()) << fy.status().ToString();
  EXPECT_LE(MaxAbsDiff((*fy)[0], (*direct)[0]), 1e-6f) << tag << " frozen";
  EXPECT_EQ(CountOps(**frozen, "Transpose"), 1) << tag;

  // TF.js round trip, then TF.js itself.
  const fs::path tfjs = dir / "tfjs";
  Status wt = tf::WriteTfjs(**tf, tfjs.string(), {});
  ASSERT_TRUE(wt.ok()) << wt.ToString();
  auto back = tf::ReadTfjs(tfjs.string());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  auto by = RunTf(*back, x);
  ASSERT_TRUE(by.ok()) << by.status().ToString();
  EXPECT_LE(MaxAbsDiff((*by)[0], (*direct)[0]), 1e-6f) << tag << " tfjs round trip";

  const fs::path oracle = fs::path(FERRY_SOURCE_DIR) / "tests" / "oracles";
  if (!fs::exists(oracle / "node_modules" / "@tensorflow" / "tfjs")) {
    GTEST_SKIP() << "tests/oracles/node_modules missing: TF.js not run (scripts/install-deps.sh)";
  }
  ASSERT_TRUE(WriteNpy((dir / "input.npy").string(), x).ok());
  const std::string out_name = onnx->outputs()[0]->name();
  std::string cmd = "node " + (oracle / "run_tfjs.js").string() + " " + tfjs.string() + " " +
                    (dir / "tfjs_out").string() + " " + onnx->inputs()[0]->name() + "=" +
                    (dir / "input.npy").string();
  ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
  auto js = ReadNpy((dir / "tfjs_out" / (out_name + ".npy")).string());
  ASSERT_TRUE(js.ok()) << js.status().ToString();
  ASSERT_EQ(js->shape(), (*want)[0].shape()) << tag;
  const float d = MaxAbsDiff(*js, (*want)[0]);
  std::printf("%s: max |onnx runtime - TF.js| = %g\n", tag.c_str(), d);
  EXPECT_LE(d, 1e-4f) << tag << " TF.js vs ONNX runtime";
}

TEST(FormatsTest, ConvStackThroughFrozenGraphTfjsAndTensorFlowJs) {
  CheckFormats(ConvStack(), RandomInput({2, 3, 12, 12}, 41), "conv_stack");
}

TEST(FormatsTest, MobileNetV2ThroughFrozenGraphTfjsAndTensorFlowJs) {
  std::string path = MobileNetV2Path();
  ASSERT_FALSE(path.empty());
  auto onnx = onnx::LoadModel(path);
  ASSERT_TRUE(onnx.ok()) << onnx.status().ToString();
  CheckFormats(*onnx, RandomInput({1, 3, 224, 224}, 42), "mobilenet_v2");
}

std::string ReadBytes(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

// Equal, or where the first difference is.
::testing::AssertionResult SameBytes(const std::string& a, const std::string& b) {
  if (a == b) return ::testing::AssertionSuccess();
  size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  return ::testing::AssertionFailure() << "sizes " << a.size() << " and " << b.size()
                                       << ", first difference at byte " << i;
}

// `ferry convert` loads with lazy_weights: weights stay in the .onnx file until read, and the
// writers copy those the converter left unchanged file to file (copy_file_range). The files
// written must be byte for byte those of an eager load; the weights that went through
// unchanged must never have been written to, and those the converter re-laid (the conv
// kernel, OIHW -> HWIO) are new tensors.
TEST(FormatsTest, LazyWeightsWriteTheSameFilesAsAnEagerLoad) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 16, 6, 6});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("cw", {128, 16, 3, 3}), g.Random("cb", {128})},
                      {{"pads", Attr::Ints({1, 1, 1, 1})}});
  ir::Value* p = g.Op("GlobalAveragePool", "gap", {g.Op("Relu", "relu", {c})});
  ir::Value* f = g.Op("Flatten", "flat", {p});
  ir::Value* m = g.Op("MatMul", "mm", {f, g.Random("mw", {128, 256})});  // 128 KiB
  ir::Value* a = g.Op("Add", "add", {m, g.Random("mb", {256})});
  g.Output(g.Op("Gemm", "fc", {a, g.Random("fw", {64, 256}), g.Random("fb", {64})},  // 64 KiB
                {{"transB", Attr::Int(1)}}));
  const fs::path dir = Fixtures() / "lazy_weights";
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string model = (dir / "model.onnx").string();
  ASSERT_TRUE(onnx::SaveModel(*g.graph(), model).ok());

  onnx::LoadOptions lazy_load;
  lazy_load.lazy_weights = true;
  auto eager = onnx::LoadModel(model);
  auto lazy = onnx::LoadModel(model, lazy_load);
  ASSERT_TRUE(eager.ok() && lazy.ok()) << lazy.status().ToString();
  int in_file = 0;
  for (const ir::Value* v : (*lazy)->values()) {
    if (!v->is_constant()) continue;
    EXPECT_EQ(v->constant().file_range().has_value(), v->constant().NumBytes() >= (64 << 10))
        << v->name();
    in_file += v->constant().file_range().has_value();
  }
  EXPECT_EQ(in_file, 3);  // cw (72 KiB), mw, fw

  auto tf_eager = ConvertOnnxToTf(**eager);
  auto tf_lazy = ConvertOnnxToTf(**lazy);
  ASSERT_TRUE(tf_eager.ok() && tf_lazy.ok()) << tf_lazy.status().ToString();
  ASSERT_TRUE(tf::WriteSavedModel(**tf_eager, (dir / "eager").string(), {}).ok());
  ASSERT_TRUE(tf::WriteSavedModel(**tf_lazy, (dir / "lazy").string(), {}).ok());
  ASSERT_TRUE(tf::WriteFrozenGraph(**tf_eager, (dir / "eager.pb").string()).ok());
  ASSERT_TRUE(tf::WriteFrozenGraph(**tf_lazy, (dir / "lazy.pb").string()).ok());
  const std::string sm = ReadBytes(dir / "eager" / "saved_model.pb");
  EXPECT_GT(sm.size(), size_t{(128 * 256 + 64 * 256) * 4});
  EXPECT_TRUE(SameBytes(sm, ReadBytes(dir / "lazy" / "saved_model.pb")));
  EXPECT_TRUE(SameBytes(ReadBytes(dir / "eager.pb"), ReadBytes(dir / "lazy.pb")));

  // Onto another file system type (tmpfs), where copy_file_range refuses (EXDEV) and the
  // writer copies with pread and write.
  if (fs::is_directory("/dev/shm")) {
    const fs::path shm = fs::path("/dev/shm") / ("ferry_lazy." + std::to_string(::getpid()));
    fs::remove_all(shm);
    ASSERT_TRUE(tf::WriteSavedModel(**tf_lazy, shm.string(), {}).ok());
    EXPECT_TRUE(SameBytes(sm, ReadBytes(shm / "saved_model.pb")));
    fs::remove_all(shm);
  }

  // The TF graph's Consts that still lie in the .onnx file: the MatMul and Gemm weights
  // (shared as they are), not the conv kernel.
  int copied = 0;
  for (const ir::Value* v : (*tf_lazy)->values())
    if (v->is_constant() && v->constant().file_range()) ++copied;
  EXPECT_EQ(copied, 2);

  // And the converted model computes what the ONNX model does.
  const Tensor in = RandomInput({2, 16, 6, 6}, 43);
  auto os = runtime::Session::Create(*eager, onnx::OnnxOpSet());
  ASSERT_TRUE(os.ok());
  auto want = (*os)->Run({in});
  auto got = RunTf(*tf::ReadSavedModel((dir / "lazy").string()), in);
  ASSERT_TRUE(want.ok() && got.ok()) << got.status().ToString();
  EXPECT_LE(MaxAbsDiff((*got)[0], (*want)[0]), 1e-4f);
  if (!getenv("KEEP")) fs::remove_all(dir);
}

}  // namespace
}  // namespace ferry::convert::testing
