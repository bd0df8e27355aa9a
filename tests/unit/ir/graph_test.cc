#include "ir/graph.h"

#include <gtest/gtest.h>

namespace ferry::ir {
namespace {

TEST(GraphTest, TopologicalOrderFollowsDataNotInsertion) {
  Graph g;
  Value* x = g.AddValue("x");
  g.inputs().push_back(x);
  Value* mid = g.AddValue("mid");
  // Consumer added first.
  Node* relu = g.AddNode("Relu", "", "relu", {mid}, {"y"});
  g.AddNodeWithOutputs("Neg", "", "neg", {x}, {mid});
  g.outputs().push_back(relu->output(0));
  auto order = g.TopologicalOrder();
  ASSERT_TRUE(order.ok()) << order.status().ToString();
  ASSERT_EQ(order->size(), 2u);
  EXPECT_EQ((*order)[0]->name(), "neg");
  EXPECT_EQ((*order)[1]->name(), "relu");
}

TEST(GraphTest, CycleIsAnError) {
  Graph g;
  Value* a = g.AddValue("a");
  Value* b = g.AddValue("b");
  g.AddNodeWithOutputs("Neg", "", "n1", {a}, {b});
  g.AddNodeWithOutputs("Neg", "", "n2", {b}, {a});
  EXPECT_FALSE(g.TopologicalOrder().ok());
}

TEST(GraphTest, DeadCodeIsRemovedAndUsesAreTracked) {
  Graph g;
  Value* x = g.AddValue("x");
  g.inputs().push_back(x);
  Node* live = g.AddNode("Relu", "", "live", {x}, {"y"});
  g.AddNode("Neg", "", "dead", {x}, {"z"});
  g.outputs().push_back(live->output(0));
  EXPECT_EQ(x->users().size(), 2u);
  EXPECT_EQ(g.EliminateDeadCode(), 1);
  EXPECT_EQ(g.num_nodes(), 1);
  EXPECT_EQ(x->users().size(), 1u);
  EXPECT_EQ(g.FindValue("z"), nullptr);
}

TEST(GraphTest, ReplaceAllUsesRewiresNodesAndOutputs) {
  Graph g;
  Value* x = g.AddValue("x");
  Value* c = g.AddConstant("c", Tensor::Scalar<float>(1.0f));
  g.inputs().push_back(x);
  Node* n = g.AddNode("Add", "", "add", {x, x}, {"y"});
  g.outputs().push_back(x);
  g.ReplaceAllUses(x, c);
  EXPECT_EQ(n->input(0), c);
  EXPECT_EQ(n->input(1), c);
  EXPECT_EQ(g.outputs()[0], c);
  EXPECT_TRUE(x->users().empty());
  EXPECT_EQ(c->users().size(), 2u);
}

}  // namespace
}  // namespace ferry::ir
