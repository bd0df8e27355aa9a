// Shape and data-movement ops through the session, on int64 shape computations as torch's
// exporter emits them, checked against hand-computed values.
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::Ints;
using testing::IotaFloats;
using testing::Near;

Tensor I64(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector(v, Shape{n});
}

TEST(ReshapeOpTest, ZeroCopiesDimAndMinusOneIsInferred) {
  GraphBuilder b(14);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Reshape", "r", {x, b.Const("s", I64({0, -1}))});
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(24), Shape{2, 3, 4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({2, 12}));
  EXPECT_EQ(Floats((*y)[0]), IotaFloats(24));
}

TEST(ReshapeOpTest, AllowZeroKeepsZeroAndBadShapesFail) {
  {
    GraphBuilder b(14);
    ir::Value* x = b.Input("x");
    ir::Node* n = b.Node("Reshape", "r", {x, b.Const("s", I64({0, 4}))});
    n->set_attr("allowzero", ir::Attribute::Int(1));
    b.Output(n->output(0));
    auto y = b.Run({Tensor::Zeros(DataType::kFloat32, Shape{0, 4})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    EXPECT_EQ((*y)[0].shape(), Shape({0, 4}));
  }
  GraphBuilder b(14);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Reshape", "bad_reshape", {x, b.Const("s", I64({5, -1}))});
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(24), Shape{2, 3, 4})});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("Reshape 'bad_reshape'"), std::string::npos)
      << y.status().ToString();
}

TEST(ShapeOpsTest, TorchFlattenPatternShapeGatherUnsqueezeConcatReshape) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* shape = b.Node("Shape", "shape", {x});
  ir::Node* gather =
      b.Node("Gather", "gather", {shape->output(0), b.Const("zero", Tensor::Scalar<int64_t>(0))});
  ir::Node* unsq = b.Node("Unsqueeze", "unsq", {gather->output(0), b.Const("axes", I64({0}))});
  ir::Node* cat = b.Node("Concat", "cat", {unsq->output(0), b.Const("m1", I64({-1}))});
  cat->set_attr("axis", ir::Attribute::Int(0));
  ir::Node* r = b.Node("Reshape", "reshape", {x, cat->output(0)});
  b.Output(cat->output(0));
  b.Output(r->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(30), Shape{3, 2, 5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Ints((*y)[0]), (std::vector<int64_t>{3, -1}));
  EXPECT_EQ((*y)[1].shape(), Shape({3, 10}));
}

TEST(ShapeOpsTest, Shape15StartEnd) {
  GraphBuilder b(15);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Shape", "shape", {x});
  n->set_attr("start", ir::Attribute::Int(1));
  n->set_attr("end", ir::Attribute::Int(-1));
  b.Output(n->output(0));
  auto y = b.Run({Tensor::Zeros(DataType::kFloat32, Shape{2, 3, 4, 5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Ints((*y)[0]), (std::vector<int64_t>{3, 4}));
}

TEST(ShapeOpsTest, UnsqueezeAttributeFormBefore13AndSqueeze) {
  GraphBuilder b(11);
  ir::Value* x = b.Input("x");
  ir::Node* u = b.Node("Unsqueeze", "u", {x});
  u->set_attr("axes", ir::Attribute::Ints({0, -1}));
  ir::Node* s = b.Node("Squeeze", "s", {u->output(0)});
  s->set_attr("axes", ir::Attribute::Ints({0}));
  b.Output(u->output(0));
  b.Output(s->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(6), Shape{2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({1, 2, 3, 1}));
  EXPECT_EQ((*y)[1].shape(), Shape({2, 3, 1}));
}

TEST(ShapeOpsTest, SliceWithNegativeStepsAndClampedEnds) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Slice", "sl",
                       {x, b.Const("st", I64({-1, 1})), b.Const("en", I64({-100, 1000})),
                        b.Const("ax", I64({0, 1})), b.Const("sp", I64({-2, 2}))});
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(20), Shape{4, 5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  // rows 3, 1; cols 1, 3.
  EXPECT_EQ((*y)[0].shape(), Shape({2, 2}));
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{16, 18, 6, 8}));
}

TEST(ShapeOpsTest, SliceOpset1Attributes) {
  GraphBuilder b(9);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Slice", "sl", {x});
  n->set_attr("starts", ir::Attribute::Ints({1}));
  n->set_attr("ends", ir::Attribute::Ints({3}));
  n->set_attr("axes", ir::Attribute::Ints({1}));
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(8), Shape{2, 4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{1, 2, 5, 6}));
}

TEST(ShapeOpsTest, TransposeDefaultPermAndGatherAxis1) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* t = b.Node("Transpose", "t", {x});
  ir::Node* g = b.Node("Gather", "g", {x, b.Const("i", I64({2, 0}))});
  g->set_attr("axis", ir::Attribute::Int(1));
  b.Output(t->output(0));
  b.Output(g->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(6), Shape{2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({3, 2}));
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{0, 3, 1, 4, 2, 5}));
  EXPECT_EQ(Floats((*y)[1]), (std::vector<float>{2, 0, 5, 3}));
}

TEST(ShapeOpsTest, ConstantFormsConstantOfShapeRangeExpand) {
  GraphBuilder b(13);
  ir::Node* c = b.Node("Constant", "c", {});
  c->set_attr("value_ints", ir::Attribute::Ints({2, 3}));
  ir::Node* cf = b.Node("Constant", "cf", {});
  cf->set_attr("value_float", ir::Attribute::Float(2.5f));
  ir::Node* cos = b.Node("ConstantOfShape", "cos", {c->output(0)});
  cos->set_attr("value", ir::Attribute::FromTensor(Tensor::FromVector<int64_t>({7}, Shape{1})));
  ir::Node* range =
      b.Node("Range", "range",
             {b.Const("s", Tensor::Scalar<int64_t>(1)), b.Const("l", Tensor::Scalar<int64_t>(8)),
              b.Const("d", Tensor::Scalar<int64_t>(3))});
  ir::Node* ex = b.Node("Expand", "ex", {cf->output(0), c->output(0)});
  b.Output(cos->output(0));
  b.Output(range->output(0));
  b.Output(ex->output(0));
  auto y = b.Run({});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].dtype(), DataType::kInt64);
  EXPECT_EQ(Ints((*y)[0]), (std::vector<int64_t>(6, 7)));
  EXPECT_EQ(Ints((*y)[1]), (std::vector<int64_t>{1, 4, 7}));
  EXPECT_EQ((*y)[2].shape(), Shape({2, 3}));
  EXPECT_EQ(Floats((*y)[2]), std::vector<float>(6, 2.5f));
}

TEST(ShapeOpsTest, CastTruncatesAndMakesBools) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* ci = b.Node("Cast", "to_int", {x});
  ci->set_attr("to", ir::Attribute::Int(7));  // TensorProto.INT64
  ir::Node* cb = b.Node("Cast", "to_bool", {x});
  cb->set_attr("to", ir::Attribute::Type(DataType::kBool));
  b.Output(ci->output(0));
  b.Output(cb->output(0));
  auto y = b.Run({Tensor::FromVector(std::vector<float>{-1.7f, 0.0f, 2.9f}, Shape{3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Ints((*y)[0]), (std::vector<int64_t>{-1, 0, 2}));
  EXPECT_EQ((*y)[1].dtype(), DataType::kBool);
  EXPECT_EQ(Ints((*y)[1]), (std::vector<int64_t>{1, 0, 1}));
}

TEST(ShapeOpsTest, EqualWhereNotLessGreater) {
  GraphBuilder b(16);
  ir::Value* x = b.Input("x");
  ir::Value* m1 = b.Const("m1", I64({-1}));
  ir::Node* eq = b.Node("Equal", "eq", {x, m1});
  ir::Node* where = b.Node("Where", "where", {eq->output(0), b.Const("one", I64({1})), x});
  ir::Node* nt = b.Node("Not", "not", {eq->output(0)});
  ir::Node* lt = b.Node("Less", "lt", {x, b.Const("z", Tensor::Scalar<int64_t>(0))});
  ir::Node* gt = b.Node("Greater", "gt", {x, b.Const("z2", Tensor::Scalar<int64_t>(0))});
  for (ir::Node* n : {where, nt, lt, gt}) b.Output(n->output(0));
  auto y = b.Run({I64({4, -1, 0})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Ints((*y)[0]), (std::vector<int64_t>{4, 1, 0}));
  EXPECT_EQ(Ints((*y)[1]), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(Ints((*y)[2]), (std::vector<int64_t>{0, 1, 0}));
  EXPECT_EQ(Ints((*y)[3]), (std::vector<int64_t>{1, 0, 0}));
}

TEST(ShapeOpsTest, ReduceMeanKeepdimsAndDropoutMask) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* r = b.Node("ReduceMean", "rm", {x});
  r->set_attr("axes", ir::Attribute::Ints({-1}));
  r->set_attr("keepdims", ir::Attribute::Int(0));
  ir::Node* d = b.Node("Dropout", "drop", {x}, 2);
  b.Output(r->output(0));
  b.Outputs(d);
  auto y = b.Run({Tensor::FromVector(IotaFloats(6), Shape{2, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({2}));
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{1, 4}));
  EXPECT_EQ(Floats((*y)[1]), IotaFloats(6));
  EXPECT_EQ(Ints((*y)[2]), (std::vector<int64_t>(6, 1)));
}

}  // namespace
}  // namespace ferry::onnx
