// Arithmetic and activation ops through the session.
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::Ints;
using testing::Near;

TEST(ElementwiseOpsTest, BroadcastArithmeticFloatAndInt64) {
  GraphBuilder b(14);
  ir::Value* x = b.Input("x");
  ir::Value* row = b.Const("row", Tensor::FromVector(std::vector<float>{1, 2, 3}, Shape{3}));
  ir::Node* add = b.Node("Add", "add", {x, row});
  ir::Node* sub = b.Node("Sub", "sub", {x, row});
  ir::Node* mul = b.Node("Mul", "mul", {x, row});
  ir::Node* div = b.Node("Div", "div", {x, row});
  ir::Node* pw = b.Node("Pow", "pow", {x, b.Const("two", Tensor::Scalar<int64_t>(2))});
  for (ir::Node* n : {add, sub, mul, div, pw}) b.Output(n->output(0));
  ir::Value* i = b.Input("i");
  ir::Node* imul = b.Node("Mul", "imul", {i, b.Const("k", Tensor::Scalar<int64_t>(3))});
  b.Output(imul->output(0));
  auto y = b.Run({Tensor::FromVector(std::vector<float>{2, 4, 6, 8, 10, 12}, Shape{2, 3}),
                  Tensor::FromVector<int64_t>({1, -2}, Shape{2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{3, 6, 9, 9, 12, 15}));
  EXPECT_EQ(Floats((*y)[1]), (std::vector<float>{1, 2, 3, 7, 8, 9}));
  EXPECT_EQ(Floats((*y)[2]), (std::vector<float>{2, 8, 18, 8, 20, 36}));
  EXPECT_TRUE(Near(Floats((*y)[3]), {2, 2, 2, 8, 5, 4}));
  EXPECT_EQ(Floats((*y)[4]), (std::vector<float>{4, 16, 36, 64, 100, 144}));
  EXPECT_EQ(Ints((*y)[5]), (std::vector<int64_t>{3, -6}));
}

TEST(ElementwiseOpsTest, MismatchedShapesNameTheNode) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* add =
      b.Node("Add", "add_7", {x, b.Const("c", Tensor::Zeros(DataType::kFloat32, Shape{4}))});
  b.Output(add->output(0));
  auto y = b.Run({Tensor::Zeros(DataType::kFloat32, Shape{2, 3})});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("Add 'add_7'"), std::string::npos) << y.status().ToString();
}

TEST(ElementwiseOpsTest, Activations) {
  const std::vector<float> xv = {-2.0f, -0.5f, 0.0f, 0.5f, 4.0f};
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  std::vector<ir::Node*> nodes;
  for (const char* op : {"Relu", "Sigmoid", "Tanh", "Erf", "Abs"})
    nodes.push_back(b.Node(op, std::string("n_") + op, {x}));
  for (ir::Node* n : nodes) b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(xv, Shape{5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  for (size_t i = 0; i < xv.size(); ++i) {
    const float v = xv[i];
    EXPECT_FLOAT_EQ((*y)[0].data<float>()[i], std::max(v, 0.0f));
    EXPECT_NEAR((*y)[1].data<float>()[i], 1 / (1 + std::exp(-v)), 1e-6);
    EXPECT_NEAR((*y)[2].data<float>()[i], std::tanh(v), 1e-6);
    EXPECT_NEAR((*y)[3].data<float>()[i], std::erf(v), 1e-6);
    EXPECT_FLOAT_EQ((*y)[4].data<float>()[i], std::fabs(v));
  }
}

TEST(ElementwiseOpsTest, Sqrt) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* s = b.Node("Sqrt", "sqrt", {x});
  b.Output(s->output(0));
  auto y = b.Run({Tensor::FromVector(std::vector<float>{0, 1, 4, 2}, Shape{4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {0, 1, 2, std::sqrt(2.0f)}));
}

TEST(ElementwiseOpsTest, ClipAttributeFormAndInputForm) {
  const std::vector<float> xv = {-8, -1, 0, 3, 9};
  {
    GraphBuilder b(6);
    ir::Value* x = b.Input("x");
    ir::Node* c = b.Node("Clip", "clip6", {x});
    c->set_attr("min", ir::Attribute::Float(0.0f));
    c->set_attr("max", ir::Attribute::Float(6.0f));
    b.Output(c->output(0));
    auto y = b.Run({Tensor::FromVector(xv, Shape{5})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{0, 0, 0, 3, 6}));
  }
  GraphBuilder b(11);
  ir::Value* x = b.Input("x");
  // Only a minimum: input 2 omitted.
  ir::Node* c = b.Node("Clip", "clip11", {x, b.Const("lo", Tensor::Scalar<float>(-2.0f))});
  b.Output(c->output(0));
  auto y = b.Run({Tensor::FromVector(xv, Shape{5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{-2, -1, 0, 3, 9}));
}

}  // namespace
}  // namespace ferry::onnx
