// Sequences and optionals: runtime::Value through Session::RunValues and the sequence and
// optional ops (onnx Operators.md, Sequence* / Optional*).
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using runtime::Value;
using testing::Floats;
using testing::GraphBuilder;

StatusOr<std::vector<Value>> RunValues(GraphBuilder& b, const std::vector<Value>& in) {
  FERRY_ASSIGN_OR_RETURN(auto s, b.Session());
  return s->RunValues(in);
}

TEST(SequenceOpsTest, ConstructInsertAtLengthConcat) {
  GraphBuilder b;
  ir::Value* a = b.Input("a");
  ir::Value* c = b.Input("c");
  ir::Node* seq = b.Node("SequenceConstruct", "seq", {a});
  ir::Node* ins = b.Node("SequenceInsert", "ins", {seq->output(0), c});
  ir::Node* len = b.Node("SequenceLength", "len", {ins->output(0)});
  ir::Node* last = b.Node("SequenceAt", "last", {ins->output(0),
                                                  b.Const("m1", Tensor::Scalar<int64_t>(-1))});
  ir::Node* cat = b.Node("ConcatFromSequence", "cat", {ins->output(0)});
  cat->set_attr("axis", ir::Attribute::Int(0));
  b.Output(len->output(0));
  b.Output(last->output(0));
  b.Output(cat->output(0));
  auto out = b.Run({Tensor::FromVector(std::vector<float>{1, 2}, Shape{2}),
                    Tensor::FromVector(std::vector<float>{3, 4, 5}, Shape{3})});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].GetAsInt64(0), 2);
  EXPECT_EQ(Floats((*out)[1]), (std::vector<float>{3, 4, 5}));
  EXPECT_EQ(Floats((*out)[2]), (std::vector<float>{1, 2, 3, 4, 5}));
}

TEST(SequenceOpsTest, SplitToSequenceAndStack) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* split = b.Node("SplitToSequence", "split",
                           {x, b.Const("two", Tensor::Scalar<int64_t>(2))});
  ir::Node* len = b.Node("SequenceLength", "len", {split->output(0)});
  ir::Node* rows = b.Node("SplitToSequence", "rows", {x});
  rows->set_attr("keepdims", ir::Attribute::Int(0));
  ir::Node* stacked = b.Node("ConcatFromSequence", "stack", {rows->output(0)});
  stacked->set_attr("axis", ir::Attribute::Int(-1));
  stacked->set_attr("new_axis", ir::Attribute::Int(1));
  b.Output(len->output(0));
  b.Output(stacked->output(0));
  auto out = b.Run({Tensor::FromVector(std::vector<float>{1, 2, 3, 4, 5, 6, 7, 8, 9, 10},
                                       Shape{5, 2})});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].GetAsInt64(0), 3);  // rows 2 + 2 + 1
  // The 5 rows of 2, stacked on a new last axis: the transpose, [2, 5].
  EXPECT_EQ((*out)[1].shape(), (Shape{2, 5}));
  EXPECT_EQ(Floats((*out)[1]), (std::vector<float>{1, 3, 5, 7, 9, 2, 4, 6, 8, 10}));
}

TEST(SequenceOpsTest, SequenceInputAndOutputGoThroughRunValues) {
  GraphBuilder b;
  ir::Value* s = b.Input("s");
  ir::Node* erase = b.Node("SequenceErase", "erase", {s, b.Const("z", Tensor::Scalar<int64_t>(0))});
  b.Output(erase->output(0));
  const Value in = Value::Sequence(DataType::kFloat32, {Tensor::Scalar(1.0f), Tensor::Scalar(2.0f)});
  auto out = RunValues(b, {in});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_TRUE((*out)[0].is_sequence());
  ASSERT_EQ((*out)[0].items().size(), 1u);
  EXPECT_EQ((*out)[0].items()[0].GetAsDouble(0), 2.0);
  // Session::Run is for tensors only, and says so.
  auto session = b.Session();
  ASSERT_TRUE(session.ok());
  auto tensors = (*session)->Run(std::vector<Tensor>{Tensor::Scalar(1.0f)});
  ASSERT_FALSE(tensors.ok());
  EXPECT_NE(tensors.status().message().find("expected a sequence"), std::string::npos)
      << tensors.status().ToString();
}

TEST(SequenceOpsTest, SequenceAtOutOfRangeIsAnError) {
  GraphBuilder b;
  ir::Value* s = b.Input("s");
  ir::Node* at = b.Node("SequenceAt", "at_3", {s, b.Const("p", Tensor::Scalar<int64_t>(2))});
  b.Output(at->output(0));
  auto out = RunValues(b, {Value::Sequence(DataType::kFloat32, {Tensor::Scalar(1.0f)})});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("SequenceAt 'at_3': position 2 is out of range"),
            std::string::npos)
      << out.status().ToString();
}

TEST(SequenceOpsTest, SequenceMapRunsBodyPerElement) {
  GraphBuilder b;
  ir::Value* s = b.Input("s");
  ir::Value* t = b.Input("t");
  auto body = std::make_shared<ir::Graph>();
  body->opset_imports()[""] = 17;
  ir::Value* e = body->AddValue("e");
  ir::Value* u = body->AddValue("u");
  body->inputs() = {e, u};
  body->outputs().push_back(body->AddNode("Add", "", "add", {e, u}, {"sum"})->output(0));
  ir::Node* map = b.Node("SequenceMap", "map", {s, t});
  map->set_attr("body", ir::Attribute::FromGraph(body));
  b.Output(map->output(0));
  auto out = RunValues(
      b, {Value::Sequence(DataType::kFloat32, {Tensor::Scalar(1.0f), Tensor::Scalar(2.0f)}),
          Value(Tensor::Scalar(10.0f))});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ((*out)[0].items().size(), 2u);
  EXPECT_EQ((*out)[0].items()[0].GetAsDouble(0), 11.0);
  EXPECT_EQ((*out)[0].items()[1].GetAsDouble(0), 12.0);
}

TEST(SequenceOpsTest, OptionalEmptyAndHoldingATensor) {
  GraphBuilder b(18);
  ir::Value* x = b.Input("x");
  ir::Node* empty = b.Node("Optional", "empty", {});
  empty->set_attr("type", ir::Attribute::Type(DataType::kFloat32));
  ir::Node* has_none = b.Node("OptionalHasElement", "has_none", {empty->output(0)});
  ir::Node* full = b.Node("Optional", "full", {x});
  ir::Node* has_x = b.Node("OptionalHasElement", "has_x", {full->output(0)});
  ir::Node* get = b.Node("OptionalGetElement", "get", {full->output(0)});
  b.Output(has_none->output(0));
  b.Output(has_x->output(0));
  b.Output(get->output(0));
  b.Output(empty->output(0));
  auto out = RunValues(b, {Value(Tensor::Scalar(4.0f))});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].tensor().GetAsInt64(0), 0);
  EXPECT_EQ((*out)[1].tensor().GetAsInt64(0), 1);
  EXPECT_EQ((*out)[2].tensor().GetAsDouble(0), 4.0);
  EXPECT_TRUE((*out)[3].is_none());
}

TEST(SequenceOpsTest, OptionalGetElementOfEmptyIsAnError) {
  GraphBuilder b;
  ir::Value* o = b.Input("o");
  b.Output(b.Node("OptionalGetElement", "get_1", {o})->output(0));
  auto out = RunValues(b, {Value::None()});
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("OptionalGetElement 'get_1'"), std::string::npos)
      << out.status().ToString();
}

}  // namespace
}  // namespace ferry::onnx
