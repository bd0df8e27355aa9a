#include "report/graph_dot.h"

#include <gtest/gtest.h>

#include "report/external_tool.h"
#include "test_graphs.h"

namespace ferry::report {
namespace {

int Count(const std::string& s, const std::string& what) {
  int n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(GraphDotTest, NodesShowOpNameAndShapesWithInitializersFolded) {
  auto g = testing::SmallConvNet();
  const std::string dot = GraphToDot(*g);
  EXPECT_NE(dot.find("node0 [id=\"node0\""), std::string::npos) << dot;
  EXPECT_NE(dot.find("<B>Conv</B>"), std::string::npos);
  EXPECT_NE(dot.find("conv_1"), std::string::npos);
  // Folded weights: shown in the Conv box, never as nodes or edges of their own.
  EXPECT_NE(dot.find("in1 float32[4,3,3,3]"), std::string::npos) << dot;
  EXPECT_NE(dot.find("in2 = [1,1,1,1]"), std::string::npos);  // small vectors show values
  EXPECT_EQ(dot.find("conv_1.weight"), std::string::npos);
  // Output shapes (the symbolic batch is kept).
  EXPECT_NE(dot.find("float32[N,4,6,6]"), std::string::npos);
  // Edges: input -> conv -> relu -> flatten -> fc -> output; 4 nodes, 1 input, 1 output.
  EXPECT_NE(dot.find("input0 -> node0;"), std::string::npos);
  EXPECT_NE(dot.find("node0 -> node1;"), std::string::npos);
  EXPECT_NE(dot.find("node3 -> output0;"), std::string::npos);
  EXPECT_EQ(Count(dot, " -> "), 5) << dot;
}

// PyTorch's exporter feeds some weights through Identity nodes: they fold like initializers.
TEST(GraphDotTest, IdentityOfAConstantFoldsIntoItsConsumer) {
  ir::Graph g;
  ir::Value* x = g.AddValue("x", testing::Info({2, 3}));
  g.inputs().push_back(x);
  ir::Value* c = g.AddConstant("c", Tensor::FromVector<float>({1, 2, 3}, Shape({3})));
  ir::Node* id = g.AddNode("Identity", "", "Identity_7", {c}, {"c2"});
  ir::Node* add = g.AddNode("Add", "", "add", {x, id->output(0)}, {"y"});
  g.outputs().push_back(add->output(0));
  EXPECT_EQ(FoldedConstant(id->output(0)), c);
  EXPECT_EQ(FoldedConstant(x), nullptr);
  const std::string dot = GraphToDot(g);
  EXPECT_EQ(dot.find("Identity_7"), std::string::npos) << dot;
  EXPECT_EQ(dot.find("node0 ["), std::string::npos);
  EXPECT_NE(dot.find("in1 = [1,2,3]"), std::string::npos);
  EXPECT_NE(dot.find("input0 -> node1;"), std::string::npos);
  EXPECT_EQ(Count(dot, " -> "), 2) << dot;
}

TEST(GraphDotTest, EscapesNamesForHtmlLabels) {
  ir::Graph g;
  ir::Value* x = g.AddValue("a<b>&\"c\"", testing::Info({2}));
  g.inputs().push_back(x);
  ir::Node* n = g.AddNode("Relu", "", "r<1>", {x}, {"y"});
  g.outputs().push_back(n->output(0));
  const std::string dot = GraphToDot(g);
  EXPECT_NE(dot.find("a&lt;b&gt;&amp;&quot;c&quot;"), std::string::npos) << dot;
  EXPECT_NE(dot.find("r&lt;1&gt;"), std::string::npos);
  // Raw only inside the DOT-quoted tooltip, which graphviz escapes itself.
  EXPECT_EQ(Count(dot, "r<1>"), 1) << dot;
  EXPECT_NE(dot.find("tooltip=\"Relu r<1>\""), std::string::npos);
}

TEST(GraphDotTest, GraphvizRendersSvgWithOurIds) {
  auto g = testing::SmallConvNet();
  auto svg = RenderDotToSvg(GraphToDot(*g));
  ASSERT_TRUE(svg.ok()) << svg.status().message();
  EXPECT_NE(svg->find("<svg"), std::string::npos);
  for (const char* id : {"node0", "node1", "node2", "node3", "input0", "output0"})
    EXPECT_NE(svg->find(std::string("id=\"") + id + "\""), std::string::npos) << id;
  EXPECT_NE(svg->find("class=\"node\""), std::string::npos);
  EXPECT_NE(svg->find("conv_1"), std::string::npos);
}

TEST(GraphDotTest, MissingGraphvizIsAClearError) {
  auto svg = RenderDotToSvg("digraph { a -> b }", "/nonexistent/bin/dot");
  ASSERT_FALSE(svg.ok());
  EXPECT_NE(svg.status().message().find("/nonexistent/bin/dot"), std::string::npos);
  EXPECT_NE(svg.status().message().find("apt-get install graphviz"), std::string::npos)
      << svg.status().message();
  auto bare = FindProgram("ferry-no-such-program-42", "somepkg");
  ASSERT_FALSE(bare.ok());
  EXPECT_NE(bare.status().message().find("not found in PATH"), std::string::npos);
}

TEST(GraphDotTest, BadDotInputReportsGraphvizError) {
  auto svg = RenderDotToSvg("digraph { this is not dot");
  ASSERT_FALSE(svg.ok());
  EXPECT_NE(svg.status().message().find("'dot' exited with"), std::string::npos)
      << svg.status().message();
}

TEST(ExternalToolTest, PassesStdinAndReturnsStdout) {
  auto out = RunProgram({"cat"}, std::string(1 << 20, 'x') + "end", "coreutils");
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(out->size(), (1u << 20) + 3);
  EXPECT_EQ(out->substr(out->size() - 3), "end");
  auto fail = RunProgram({"false"}, "", "coreutils");
  ASSERT_FALSE(fail.ok());
  EXPECT_NE(fail.status().message().find("exited with 1"), std::string::npos);
}

}  // namespace
}  // namespace ferry::report
