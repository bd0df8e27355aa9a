// LayerNormalization, the reduction family, variadic ops, Pad, PRelu and the opset-6 forms,
// checked against hand computations.
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::IotaFloats;
using testing::Near;

Tensor F(std::vector<float> v, Shape s) { return Tensor::FromVector(v, std::move(s)); }
Tensor I64(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector(v, Shape{n});
}

TEST(LayerNormOpTest, NormalisesTrailingDimsWithStatistics) {
  GraphBuilder b(17);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node(
      "LayerNormalization", "ln",
      {x, b.Const("s", F({1, 2, 1, 2}, Shape{4})), b.Const("b", F({0, 0, 1, 1}, Shape{4}))}, 3);
  n->set_attr("epsilon", ir::Attribute::Float(0.0f));
  b.Outputs(n);
  auto y = b.Run({F({1, 2, 3, 4, 2, 2, 2, 6}, Shape{2, 4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  // Row 0: mean 2.5, var 1.25; row 1: mean 3, var 3.
  const float s0 = 1.0f / std::sqrt(1.25f), s1 = 1.0f / std::sqrt(3.0f);
  EXPECT_TRUE(Near(Floats((*y)[0]), {-1.5f * s0, 2 * -0.5f * s0, 0.5f * s0 + 1, 2 * 1.5f * s0 + 1,
                                     -s1, 2 * -s1, -s1 + 1, 2 * 3 * s1 + 1}));
  EXPECT_EQ((*y)[1].shape(), Shape({2, 1}));
  EXPECT_TRUE(Near(Floats((*y)[1]), {2.5f, 3.0f}));
  EXPECT_TRUE(Near(Floats((*y)[2]), {s0, s1}));
}

TEST(ReduceOpsTest, SumAxesInputMaxMinProdAttribute) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* sum = b.Node("ReduceSum", "sum", {x, b.Const("ax", I64({0}))});
  ir::Node* mx = b.Node("ReduceMax", "max", {x});
  mx->set_attr("axes", ir::Attribute::Ints({1}));
  mx->set_attr("keepdims", ir::Attribute::Int(0));
  ir::Node* mn = b.Node("ReduceMin", "min", {x});  // no axes: everything
  ir::Node* pr = b.Node("ReduceProd", "prod", {x});
  pr->set_attr("axes", ir::Attribute::Ints({-1}));
  for (ir::Node* n : {sum, mx, mn, pr}) b.Output(n->output(0));
  auto y = b.Run({F({1, 5, 2, 4, 3, 0.5f}, Shape{2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({1, 3}));
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{5, 8, 2.5f}));
  EXPECT_EQ(Floats((*y)[1]), (std::vector<float>{5, 4}));
  EXPECT_EQ((*y)[2].shape(), Shape({1, 1}));
  EXPECT_EQ(Floats((*y)[2]), (std::vector<float>{0.5f}));
  EXPECT_EQ(Floats((*y)[3]), (std::vector<float>{10, 6}));
}

TEST(VariadicOpsTest, SumMeanMaxMinBroadcast) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Value* c = b.Const("c", F({10, 0}, Shape{2}));
  ir::Value* d = b.Const("d", F({1}, Shape{1}));
  std::vector<ir::Node*> nodes;
  for (const char* op : {"Sum", "Mean", "Max", "Min"}) nodes.push_back(b.Node(op, op, {x, c, d}));
  for (ir::Node* n : nodes) b.Output(n->output(0));
  auto y = b.Run({F({1, 2, 3, 4}, Shape{2, 2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{12, 3, 14, 5}));
  EXPECT_TRUE(Near(Floats((*y)[1]), {4, 1, 14.0f / 3, 5.0f / 3}));
  EXPECT_EQ(Floats((*y)[2]), (std::vector<float>{10, 2, 10, 4}));
  EXPECT_EQ(Floats((*y)[3]), (std::vector<float>{1, 0, 1, 0}));
}

TEST(PadOpTest, ConstantInputFormAndAttributeForm) {
  {
    GraphBuilder b(13);
    ir::Value* x = b.Input("x");
    ir::Node* p =
        b.Node("Pad", "pad",
               {x, b.Const("p", I64({0, 1, 1, -1})), b.Const("v", Tensor::Scalar<float>(9.0f))});
    b.Output(p->output(0));
    auto y = b.Run({F({1, 2, 3, 4}, Shape{2, 2})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    // Columns: one 9 before, the last column cropped; one row of 9 after.
    EXPECT_EQ((*y)[0].shape(), Shape({3, 2}));
    EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{9, 1, 9, 3, 9, 9}));
  }
  GraphBuilder b(2);
  ir::Value* x = b.Input("x");
  ir::Node* p = b.Node("Pad", "pad2", {x});
  p->set_attr("pads", ir::Attribute::Ints({1, 0}));
  b.Output(p->output(0));
  auto y = b.Run({F({5, 6}, Shape{2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{0, 5, 6}));
  GraphBuilder r(13);
  ir::Node* bad = r.Node("Pad", "wrap_pad", {r.Input("x"), r.Const("p", I64({1, 1}))});
  bad->set_attr("mode", ir::Attribute::String("wrap"));
  r.Output(bad->output(0));
  auto s = r.Session();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("Pad 'wrap_pad'"), std::string::npos)
      << s.status().ToString();
  for (const char* mode : {"reflect", "edge"}) {
    GraphBuilder m(13);
    ir::Node* p = m.Node("Pad", "pad", {m.Input("x"), m.Const("p", I64({2, 1}))});
    p->set_attr("mode", ir::Attribute::String(mode));
    m.Output(p->output(0));
    auto z = m.Run({F({1, 2, 3}, Shape{3})});
    ASSERT_TRUE(z.ok()) << z.status().ToString();
    const std::vector<float> want = std::string(mode) == "reflect"
                                        ? std::vector<float>{3, 2, 1, 2, 3, 2}
                                        : std::vector<float>{1, 1, 1, 2, 3, 3};
    EXPECT_EQ(Floats((*z)[0]), want) << mode;
  }
}

TEST(PReluOpTest, ChannelSlopeAndLegacyForm) {
  for (int opset : {6, 9}) {
    GraphBuilder b(opset);
    ir::Value* x = b.Input("x");
    // Opset 9 needs the [C,1,1] slope numpy broadcasting requires; opset 6 takes [C].
    Tensor slope = opset == 6 ? F({0.5f, 2}, Shape{2}) : F({0.5f, 2}, Shape{2, 1, 1});
    ir::Node* n = b.Node("PRelu", "prelu", {x, b.Const("slope", slope)});
    b.Output(n->output(0));
    auto y = b.Run({F({-2, 3, -1, 4}, Shape{1, 2, 1, 2})});
    ASSERT_TRUE(y.ok()) << "opset " << opset << ": " << y.status().ToString();
    EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{-1, 3, -2, 4})) << "opset " << opset;
  }
}

TEST(LegacyOpsTest, Add6BroadcastsAlongAxisAndReshape1TakesAttribute) {
  GraphBuilder b(6);
  ir::Value* x = b.Input("x");
  ir::Node* add = b.Node("Add", "add", {x, b.Const("c", F({10, 20}, Shape{2}))});
  add->set_attr("broadcast", ir::Attribute::Int(1));
  add->set_attr("axis", ir::Attribute::Int(1));
  b.Output(add->output(0));
  auto y = b.Run({F({1, 2, 3, 4, 5, 6}, Shape{1, 2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  // The [2] operand lines up with dim 1, not with the last dim as numpy would.
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{11, 12, 13, 24, 25, 26}));
  // Reshape-1 (until opset 5) takes the shape as an attribute.
  GraphBuilder r(4);
  ir::Node* n = r.Node("Reshape", "r", {r.Input("x")});
  n->set_attr("shape", ir::Attribute::Ints({3, -1}));
  r.Output(n->output(0));
  auto z = r.Run({F({1, 2, 3, 4, 5, 6}, Shape{1, 2, 3})});
  ASSERT_TRUE(z.ok()) << z.status().ToString();
  EXPECT_EQ((*z)[0].shape(), Shape({3, 2}));
}

TEST(ConvOpTest, OneDimensionalConvAndPool) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* c = b.Node("Conv", "conv1d", {x, b.Const("w", F({1, 0, -1}, Shape{1, 1, 3}))});
  c->set_attr("pads", ir::Attribute::Ints({1, 1}));
  ir::Node* p = b.Node("MaxPool", "pool1d", {c->output(0)});
  p->set_attr("kernel_shape", ir::Attribute::Ints({2}));
  p->set_attr("strides", ir::Attribute::Ints({2}));
  b.Output(c->output(0));
  b.Output(p->output(0));
  auto y = b.Run({F({1, 4, 9, 16}, Shape{1, 1, 4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  // y[i] = x[i-1] - x[i+1] with zero padding.
  EXPECT_EQ((*y)[0].shape(), Shape({1, 1, 4}));
  EXPECT_TRUE(Near(Floats((*y)[0]), {-4, -8, -12, 9}));
  EXPECT_TRUE(Near(Floats((*y)[1]), {-4, 9}));
}

TEST(MoreShapeOpsTest, SplitTileSizeArgMaxGlobalMaxPool) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* split = b.Node("Split", "split", {x, b.Const("sz", I64({1, 2}))}, 2);
  split->set_attr("axis", ir::Attribute::Int(1));
  ir::Node* tile = b.Node("Tile", "tile", {x, b.Const("rep", I64({2, 1}))});
  ir::Node* size = b.Node("Size", "size", {x});
  ir::Node* am = b.Node("ArgMax", "argmax", {x});
  am->set_attr("axis", ir::Attribute::Int(1));
  am->set_attr("keepdims", ir::Attribute::Int(0));
  ir::Node* gmp = b.Node("GlobalMaxPool", "gmp",
                         {b.Const("img", F({1, 7, 3, 2, 0, 5, 4, 1}, Shape{1, 2, 2, 2}))});
  b.Outputs(split);
  for (ir::Node* n : {tile, size, am, gmp}) b.Output(n->output(0));
  auto y = b.Run({F({1, 5, 2, 7, 3, 4}, Shape{2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{1, 7}));
  EXPECT_EQ(Floats((*y)[1]), (std::vector<float>{5, 2, 3, 4}));
  EXPECT_EQ((*y)[2].shape(), Shape({4, 3}));
  EXPECT_EQ(Floats((*y)[2]), (std::vector<float>{1, 5, 2, 7, 3, 4, 1, 5, 2, 7, 3, 4}));
  EXPECT_EQ(testing::Ints((*y)[3]), (std::vector<int64_t>{6}));
  EXPECT_EQ(testing::Ints((*y)[4]), (std::vector<int64_t>{1, 0}));
  EXPECT_EQ((*y)[5].shape(), Shape({1, 2, 1, 1}));
  EXPECT_EQ(Floats((*y)[5]), (std::vector<float>{7, 5}));
}

}  // namespace
}  // namespace ferry::onnx
