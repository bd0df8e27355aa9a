// Convert options and model-level cases of issue 4: old opsets lifted by the onnx version
// converter, attributes TF cannot express, dynamic dims and names in the TF signature, and
// protobuf's 2 GiB GraphDef limit.
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "convert_test_util.h"
#include "onnx/model_io.h"
#include "tf/proto/tf.pb.h"
#include "tf/saved_model.h"

namespace ferry::convert::testing {
namespace {

namespace fs = std::filesystem;

fs::path TempDir(const std::string& tag) {
  fs::path d = fs::temp_directory_path() / ("ferry_opt_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  return d;
}

// An opset-9 model written by the onnx Python helper: Conv, BatchNormalization-9, Relu,
// Upsample-9 (scales as an input: the opset-9 form, removed in 10), MaxPool, Flatten, Gemm.
const char kOpset9Script[] = R"PY(
import sys, numpy as np, onnx
from onnx import helper, numpy_helper, TensorProto as T
r = np.random.RandomState(0)
init = [numpy_helper.from_array(a.astype(np.float32), n) for n, a in [
    ("w", r.randn(4, 3, 3, 3) * 0.3), ("b", r.randn(4)), ("scale", r.rand(4) + 0.5),
    ("bias", r.randn(4)), ("mean", r.randn(4) * 0.1), ("var", r.rand(4) + 0.5),
    ("scales", np.array([1, 1, 2, 2])), ("fw", r.randn(5, 4 * 4 * 4) * 0.1), ("fb", r.randn(5))]]
nodes = [
    helper.make_node("Conv", ["x", "w", "b"], ["c"], name="conv", pads=[1, 1, 1, 1]),
    helper.make_node("BatchNormalization", ["c", "scale", "bias", "mean", "var"], ["bn"],
                     name="bn", epsilon=1e-5),
    helper.make_node("Relu", ["bn"], ["r"], name="relu"),
    helper.make_node("Upsample", ["r", "scales"], ["u"], name="up", mode="nearest"),
    helper.make_node("MaxPool", ["u"], ["p"], name="pool", kernel_shape=[4, 4], strides=[4, 4]),
    helper.make_node("Flatten", ["p"], ["f"], name="flat"),
    helper.make_node("Gemm", ["f", "fw", "fb"], ["y"], name="fc", transB=1),
]
g = helper.make_graph(nodes, "opset9", [helper.make_tensor_value_info("x", T.FLOAT, [1, 3, 8, 8])],
                      [helper.make_tensor_value_info("y", T.FLOAT, [1, 5])], init)
m = helper.make_model(g, opset_imports=[helper.make_opsetid("", 9)], producer_name="test")
m.ir_version = 4
onnx.checker.check_model(m)
onnx.save(m, sys.argv[1])
)PY";

TEST(OpsetTest, Opset9ModelConvertsAndMatches) {
  fs::path dir = TempDir("opset9");
  std::ofstream(dir / "make.py") << kOpset9Script;
  const fs::path model = dir / "opset9.onnx";
  ASSERT_EQ(std::system(("/usr/bin/python3 " + (dir / "make.py").string() + " " +
                         model.string()).c_str()),
            0);
  auto g = onnx::LoadModel(model.string());
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_EQ((*g)->opset(""), 9);
  Converted c = ConvertAndCompare(*g, {RandomInput({1, 3, 8, 8}, 9)});
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), 1);  // the 4-D input only
  fs::remove_all(dir);
}

TEST(OpsetTest, UpgradeOpsetLiftsWithTheOnnxVersionConverter) {
  // Upsample-9 becomes Resize-10 (same asymmetric/floor sampling): both convert to the same
  // TF numbers. (onnx 1.12's Resize 10 -> 11 adapter keeps Resize-11's half_pixel default,
  // which samples differently: why the driver lifts only as far as a converter needs.)
  OnnxGraph g(9);
  ir::Value* x = g.Input("x", {1, 2, 3, 3});
  ir::Value* u = g.Op("Upsample", "up",
                      {x, g.Const("scales", Tensor::FromVector<float>({1, 1, 2, 2}, Shape{4}))},
                      {{"mode", Attr::String("nearest")}});
  g.Output(g.Op("Relu", "relu", {u}));
  auto lifted = onnx::UpgradeOpset(*g.graph(), 10);
  ASSERT_TRUE(lifted.ok()) << lifted.status().ToString();
  EXPECT_EQ((*lifted)->opset(""), 10);
  bool has_resize = false;
  for (const auto& n : (*lifted)->nodes()) has_resize |= n->op_type() == "Resize";
  EXPECT_TRUE(has_resize);
  EXPECT_NE((*lifted)->FindValue("relu_out0"), nullptr);  // value names are kept
  const Tensor in = RandomInput({1, 2, 3, 3}, 5);
  Converted a = ConvertAndCompare(g.graph(), {in});
  Converted b = ConvertAndCompare(*lifted, {in});
  ASSERT_TRUE(a.tf && b.tf);
}

TEST(OpsetTest, NoLiftWhenEveryOpHasAConverter) {
  OnnxGraph g(9);
  g.Output(g.Op("Relu", "relu", {g.Input("x", {2, 3})}));
  EXPECT_EQ(OpsetNeededForConversion(*g.graph()), 0);
  // An op no opset can convert is left to the unsupported-op error.
  OnnxGraph h(9);
  h.Output(h.Op("NoSuchOp", "n", {h.Input("x", {2, 3})}));
  EXPECT_EQ(OpsetNeededForConversion(*h.graph()), 0);
  auto tf = ConvertOnnxToTf(*h.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_NE(tf.status().message().find("NoSuchOp (node 'n')"), std::string::npos);
}

TEST(BadInputTest, ResizeModeTfCannotExpressNamesNodeAndAttribute) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {1, 2, 4, 4});
  ir::Value* scales = g.Const("scales", Tensor::FromVector<float>({1, 1, 2, 2}, Shape{4}));
  ir::Value* roi = g.Const("roi", Tensor::FromVector<float>({}, Shape{0}));
  g.Output(g.Op("Resize", "resize_cubic", {x, roi, scales}, {{"mode", Attr::String("cubic")}}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(tf.status().code(), StatusCode::kUnimplemented);
  const std::string m = tf.status().message();
  EXPECT_NE(m.find("'resize_cubic'"), std::string::npos) << m;
  EXPECT_NE(m.find("attribute 'mode'"), std::string::npos) << m;
}

TEST(BadInputTest, OpsWithNoLoweringAreAllListedTogether) {
  // Ops no converter will ever know (a custom domain, a made-up name), so that the test does
  // not go stale as coverage grows.
  OnnxGraph g;
  ir::Value* x = g.Input("x", {2, 3});
  ir::Value* a = g.Op("NoSuchOp", "nso_1", {x});
  ir::Value* b = g.Op("NoSuchOp", "nso_2", {a});
  ir::Node* c = g.graph()->AddNode("Foo", "com.example", "foo_1", {b}, {"foo_out"});
  g.Output(g.Op("Relu", "relu", {c->output(0)}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(tf.status().code(), StatusCode::kUnimplemented);
  const std::string m = tf.status().message();
  EXPECT_NE(m.find("NoSuchOp (nodes 'nso_1', 'nso_2')"), std::string::npos) << m;
  EXPECT_NE(m.find("com.example:Foo (node 'foo_1')"), std::string::npos) << m;
}

TEST(SignatureTest, NamedDimsAreMinusOneAndNamesKeepTheirOrder) {
  // Two inputs and two outputs whose names sort the other way round: the signature (and the
  // graph read back) must keep ONNX's order and names.
  OnnxGraph g;
  ir::Value* b = g.Input("z_image", {-1, 3, 4, 4});
  ir::Value* a = g.Input("a_bias", {-1, 3, 4, 4});
  ir::Value* s = g.Op("Add", "add", {b, a});
  ir::Node* r = g.Node("Relu", "relu", {s});
  ir::Node* n = g.Node("Neg", "neg", {s});
  g.Output(r->output(0));
  g.Output(n->output(0));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  fs::path dir = TempDir("sig");
  ASSERT_TRUE(tf::WriteSavedModel(**tf, (dir / "sm").string(), {}).ok());
  ASSERT_TRUE(tf::WriteTfjs(**tf, (dir / "tfjs").string(), {}).ok());
  for (const char* p : {"sm", "tfjs"}) {
    auto back = tf::LoadTfModel((dir / p).string());
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    ASSERT_EQ((*back)->inputs().size(), 2u);
    EXPECT_EQ((*back)->inputs()[0]->name(), "z_image") << p;
    EXPECT_EQ((*back)->inputs()[1]->name(), "a_bias") << p;
    ASSERT_EQ((*back)->outputs().size(), 2u);
    EXPECT_EQ((*back)->outputs()[0]->name(), "relu_out0") << p;
    EXPECT_EQ((*back)->outputs()[1]->name(), "neg_out0") << p;
    // The named batch dim is -1 (unknown) in the signature's shape.
    const auto& shape = (*back)->inputs()[0]->info().shape;
    ASSERT_TRUE(shape.has_value());
    ASSERT_EQ(shape->size(), 4u);
    EXPECT_FALSE((*shape)[0].known()) << p;
    EXPECT_EQ((*shape)[1].value, 3) << p;
  }
  // On the wire: the Placeholder's shape attr and the SignatureDef say -1.
  tfproto::SavedModel sm;
  std::ifstream f(dir / "sm" / "saved_model.pb", std::ios::binary);
  ASSERT_TRUE(sm.ParseFromIstream(&f));
  const auto& mg = sm.meta_graphs(0);
  bool found = false;
  for (const auto& nd : mg.graph_def().node()) {
    if (nd.op() != "Placeholder" || nd.name() != "z_image") continue;
    found = true;
    EXPECT_EQ(nd.attr().at("shape").shape().dim(0).size(), -1);
    EXPECT_EQ(nd.attr().at("shape").shape().dim(1).size(), 3);
  }
  EXPECT_TRUE(found);
  const auto& sig = mg.signature_def().at("serving_default");
  EXPECT_EQ(sig.inputs().at("z_image").tensor_shape().dim(0).size(), -1);
  EXPECT_TRUE(sig.outputs().count("neg_out0"));
  fs::remove_all(dir);
}

TEST(ProtoLimitTest, GraphDefOverTheLimitIsAnErrorNamingItAndWritesNothing) {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {1, 256});
  g.Output(g.Op("MatMul", "mm", {x, g.Random("w", {256, 256})}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  fs::path dir = TempDir("limit");
  tf::WriteOptions small;
  small.max_proto_bytes = 64 * 1024;  // the weights alone are 256 KiB
  Status s = tf::WriteFrozenGraph(**tf, (dir / "model.pb").string(), small);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("over protobuf's message limit of 65536 bytes"), std::string::npos)
      << s.ToString();
  EXPECT_FALSE(fs::exists(dir / "model.pb"));
  s = tf::WriteSavedModel(**tf, (dir / "sm").string(), small);
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("2 GiB"), std::string::npos) << s.ToString();
  EXPECT_FALSE(fs::exists(dir / "sm"));
  // The real limit lets it through.
  EXPECT_TRUE(tf::WriteFrozenGraph(**tf, (dir / "model.pb").string()).ok());
  EXPECT_EQ(tf::kProtobufMessageLimit, 2147483647u);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace ferry::convert::testing
