// If, Loop and Scan: subgraph bodies, values read from the enclosing graph, loop-carried and
// scan values (onnx Operators.md, If / Loop / Scan).
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using runtime::Value;
using testing::Floats;
using testing::GraphBuilder;

// A subgraph with opset 17; `outer` names become placeholders read from enclosing graphs.
struct Body {
  std::shared_ptr<ir::Graph> g = std::make_shared<ir::Graph>();
  Body() { g->opset_imports()[""] = 17; }
  ir::Value* Input(const std::string& name) {
    ir::Value* v = g->AddValue(name);
    g->inputs().push_back(v);
    return v;
  }
  ir::Value* Outer(const std::string& name) { return g->AddValue(name); }
  ir::Node* Node(const std::string& op, const std::string& name, std::vector<ir::Value*> in) {
    return g->AddNode(op, "", name, std::move(in), {name + "_out"});
  }
  void Output(ir::Value* v) { g->outputs().push_back(v); }
};

// a = |x| is read only inside the branches after its last direct use (ReduceSum), so the
// session must keep it alive for the If.
TEST(ControlFlowTest, IfReadsOuterValueAfterItsLastDirectUse) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* a = b.Node("Abs", "a", {x});
  ir::Node* s = b.Node("ReduceSum", "s", {a->output(0)});
  s->set_attr("keepdims", ir::Attribute::Int(0));
  ir::Node* c = b.Node("Greater", "c", {s->output(0), b.Const("three", Tensor::Scalar(3.0f))});
  Body then_b, else_b;
  then_b.Output(then_b.Node("Identity", "t", {then_b.Outer("a_out0")})->output(0));
  else_b.Output(else_b.Node("Neg", "e", {else_b.Outer("a_out0")})->output(0));
  ir::Node* n = b.Node("If", "if", {c->output(0)});
  n->set_attr("then_branch", ir::Attribute::FromGraph(then_b.g));
  n->set_attr("else_branch", ir::Attribute::FromGraph(else_b.g));
  b.Output(n->output(0));
  auto big = b.Run({Tensor::FromVector(std::vector<float>{1, -3}, Shape{2})});
  ASSERT_TRUE(big.ok()) << big.status().ToString();
  EXPECT_EQ(Floats((*big)[0]), (std::vector<float>{1, 3}));
  auto small = b.Run({Tensor::FromVector(std::vector<float>{1, -1}, Shape{2})});
  ASSERT_TRUE(small.ok()) << small.status().ToString();
  EXPECT_EQ(Floats((*small)[0]), (std::vector<float>{-1, -1}));
}

TEST(ControlFlowTest, IfBranchOutputCountMustMatch) {
  GraphBuilder b;
  ir::Value* c = b.Input("c");
  Body then_b, else_b;  // no outputs, the node has one
  ir::Node* n = b.Node("If", "if_7", {c});
  n->set_attr("then_branch", ir::Attribute::FromGraph(then_b.g));
  n->set_attr("else_branch", ir::Attribute::FromGraph(else_b.g));
  b.Output(n->output(0));
  auto s = b.Session();
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("If 'if_7'"), std::string::npos) << s.status().ToString();
}

// y += iter * k until iter reaches 2 (cond_out = iter < 2), collecting y at every step.
TEST(ControlFlowTest, LoopCarriesStateStacksScanOutputsAndStopsOnCond) {
  GraphBuilder b;
  ir::Value* m = b.Input("m");
  ir::Value* cond = b.Input("cond");
  ir::Value* y = b.Input("y");
  ir::Value* k = b.Input("k");
  Body body;
  ir::Value* iter = body.Input("iter");
  body.Input("cond_in");
  ir::Value* y_in = body.Input("y_in");
  ir::Node* f = body.Node("Cast", "f", {iter});
  f->set_attr("to", ir::Attribute::Int(1));
  ir::Node* fk = body.Node("Mul", "fk", {f->output(0), body.Outer("k")});
  ir::Node* y_out = body.Node("Add", "y_out", {y_in, fk->output(0)});
  ir::Node* scan = body.Node("Identity", "scan", {y_out->output(0)});
  ir::Value* two = body.g->AddConstant("two", Tensor::Scalar<int64_t>(2));
  ir::Node* keep = body.Node("Less", "keep", {iter, two});
  body.Output(keep->output(0));
  body.Output(y_out->output(0));
  body.Output(scan->output(0));
  ir::Node* loop = b.Node("Loop", "loop", {m, cond, y}, 2);
  loop->set_attr("body", ir::Attribute::FromGraph(body.g));
  b.Outputs(loop);
  auto out = b.Run({Tensor::Scalar<int64_t>(5), Tensor::Scalar<bool>(true),
                    Tensor::FromVector(std::vector<float>{0}, Shape{1}),
                    Tensor::Scalar(10.0f)});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Floats((*out)[0]), (std::vector<float>{30}));  // 0 + 0 + 10 + 20
  EXPECT_EQ((*out)[1].shape(), (Shape{3, 1}));
  EXPECT_EQ(Floats((*out)[1]), (std::vector<float>{0, 10, 30}));

  // A trip count of 0 runs no iteration: y as given, an empty scan output.
  auto none = b.Run({Tensor::Scalar<int64_t>(0), Tensor::Scalar<bool>(true),
                     Tensor::FromVector(std::vector<float>{7}, Shape{1}), Tensor::Scalar(1.0f)});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(Floats((*none)[0]), (std::vector<float>{7}));
  EXPECT_EQ((*none)[1].NumElements(), 0);
}

// Scan-9 running sum, forward and reversed.
TEST(ControlFlowTest, ScanRunningSumBothDirections) {
  for (int64_t direction : {0, 1}) {
    GraphBuilder b(11);
    ir::Value* init = b.Input("init");
    ir::Value* x = b.Input("x");
    Body body;
    ir::Value* s_in = body.Input("s_in");
    ir::Value* x_t = body.Input("x_t");
    ir::Node* s_out = body.Node("Add", "s_out", {s_in, x_t});
    ir::Node* scan = body.Node("Identity", "scan", {s_out->output(0)});
    body.Output(s_out->output(0));
    body.Output(scan->output(0));
    ir::Node* n = b.Node("Scan", "scan", {init, x}, 2);
    n->set_attr("body", ir::Attribute::FromGraph(body.g));
    n->set_attr("num_scan_inputs", ir::Attribute::Int(1));
    n->set_attr("scan_input_directions", ir::Attribute::Ints({direction}));
    b.Outputs(n);
    auto out = b.Run({Tensor::FromVector(std::vector<float>{0, 0}, Shape{2}),
                      Tensor::FromVector(std::vector<float>{1, 2, 3, 4, 5, 6}, Shape{3, 2})});
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    EXPECT_EQ(Floats((*out)[0]), (std::vector<float>{9, 12}));
    EXPECT_EQ((*out)[1].shape(), (Shape{3, 2}));
    EXPECT_EQ(Floats((*out)[1]), direction == 0 ? (std::vector<float>{1, 2, 4, 6, 9, 12})
                                                : (std::vector<float>{5, 6, 8, 10, 9, 12}));
  }
}

}  // namespace
}  // namespace ferry::onnx
