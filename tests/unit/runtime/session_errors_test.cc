// Session-level behaviour of the ONNX op set: unsupported ops are listed together and bad
// attributes name their node.
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::GraphBuilder;

TEST(OnnxOpSetTest, UnsupportedOpsAreAllListed) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* r = b.Node("Relu", "relu", {x});
  ir::Node* f = b.Node("FancyOp", "fancy_1", {r->output(0)});
  ir::Node* h = b.Node("Hardmax9000", "hm", {f->output(0)});
  b.Output(h->output(0));
  auto s = b.Session();
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), StatusCode::kUnimplemented);
  const std::string m = s.status().message();
  EXPECT_NE(m.find("FancyOp (node 'fancy_1')"), std::string::npos) << m;
  EXPECT_NE(m.find("Hardmax9000 (node 'hm')"), std::string::npos) << m;
  EXPECT_EQ(m.find("Relu"), std::string::npos) << m;
}

TEST(OnnxOpSetTest, BadAttributeNamesTheNode) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Value* w = b.Const("w", Tensor::Zeros(DataType::kFloat32, Shape{1, 1, 3, 3}));
  ir::Node* c = b.Node("Conv", "conv_3", {x, w});
  c->set_attr("kernel_shape", ir::Attribute::Ints({3, 3}));
  c->set_attr("strides", ir::Attribute::Ints({1, 1, 1}));
  b.Output(c->output(0));
  auto s = b.Session();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("Conv 'conv_3'"), std::string::npos) << s.status().ToString();
  EXPECT_NE(s.status().message().find("strides"), std::string::npos) << s.status().ToString();
}

TEST(OnnxOpSetTest, RankErrorNamesNodeAndInput) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Value* w = b.Const("w", Tensor::Zeros(DataType::kFloat32, Shape{1, 1, 3, 3}));
  ir::Node* c = b.Node("Conv", "conv_3", {x, w});
  b.Output(c->output(0));
  auto y = b.Run({Tensor::Zeros(DataType::kFloat32, Shape{5, 5})});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("Conv 'conv_3': input 0 has rank 2"), std::string::npos)
      << y.status().ToString();
}

TEST(OnnxOpSetTest, MaxPoolIndicesRowAndColumnMajor) {
  for (int storage_order : {0, 1}) {
    GraphBuilder b(12);
    ir::Value* x = b.Input("x");
    ir::Node* p = b.Node("MaxPool", "pool", {x}, 2);
    p->set_attr("kernel_shape", ir::Attribute::Ints({2, 2}));
    p->set_attr("storage_order", ir::Attribute::Int(storage_order));
    b.Outputs(p);
    auto y = b.Run({Tensor::FromVector(std::vector<float>{1, 5, 2, 7, 0, 3}, Shape{1, 1, 2, 3})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    EXPECT_EQ(testing::Floats((*y)[0]), (std::vector<float>{7, 5}));
    // 7 sits at (h=1, w=0), 5 at (h=0, w=1) of a 2x3 plane.
    const std::vector<int64_t> want =
        storage_order ? std::vector<int64_t>{1, 2} : std::vector<int64_t>{3, 1};
    EXPECT_EQ(testing::Ints((*y)[1]), want) << "storage_order=" << storage_order;
  }
}

TEST(OnnxOpSetTest, EveryRequiredOpIsRegistered) {
  const runtime::OpSet& ops = OnnxOpSet();
  for (const char* op : {"Conv",
                         "Gemm",
                         "MatMul",
                         "Add",
                         "Sub",
                         "Mul",
                         "Div",
                         "Pow",
                         "Sqrt",
                         "Relu",
                         "Clip",
                         "Sigmoid",
                         "Tanh",
                         "Erf",
                         "MaxPool",
                         "AveragePool",
                         "GlobalAveragePool",
                         "Flatten",
                         "Reshape",
                         "Concat",
                         "BatchNormalization",
                         "LogSoftmax",
                         "Softmax",
                         "Identity",
                         "Constant",
                         "Shape",
                         "Gather",
                         "Unsqueeze",
                         "Squeeze",
                         "Dropout",
                         "Transpose",
                         "Cast",
                         "ConstantOfShape",
                         "Slice",
                         "Expand",
                         "ReduceMean",
                         "Range",
                         "Equal",
                         "Where",
                         "Less",
                         "Greater",
                         "Not"}) {
    for (int v : {13, 17}) EXPECT_NE(ops.Find("", op, v), nullptr) << op << " at opset " << v;
  }
  EXPECT_EQ(&OnnxOpSet(), &ops);  // built once
}

}  // namespace
}  // namespace ferry::onnx
