// ir::EstimateFlops and the FLOPs in ir::Summarize (the report layer is where they are drawn).
#include <gtest/gtest.h>

#include "ir/summary.h"
#include "test_graphs.h"

namespace ferry::ir {
namespace {

using report::testing::Info;

TEST(FlopsTest, ConvGemmReluOfASmallNet) {
  auto g = report::testing::SmallConvNet();
  GraphSummary s = Summarize(*g);
  ASSERT_EQ(s.node_flops.size(), 4u);
  const int64_t conv = 2 * (4 * 6 * 6) * (3 * 3 * 3) + 4 * 6 * 6;
  const int64_t relu = 4 * 6 * 6;
  const int64_t gemm = 2 * 10 * 144 + 10;
  EXPECT_EQ(s.node_flops[0].flops, conv);
  EXPECT_EQ(s.node_flops[1].flops, relu);
  EXPECT_EQ(s.node_flops[2].flops, 0);  // Flatten moves no numbers
  EXPECT_EQ(s.node_flops[3].flops, gemm);
  EXPECT_EQ(s.total_flops, conv + relu + gemm);
  EXPECT_EQ(s.flops_unknown, 0);
  // The symbolic batch counts as the given dim.
  EXPECT_EQ(EstimateFlops(*g->nodes().front(), 8), 8 * conv);
  const std::string text = SummaryToText(s, "small");
  EXPECT_NE(text.find("FLOPs"), std::string::npos);
  EXPECT_NE(text.find(std::to_string(conv)), std::string::npos);
  EXPECT_NE(SummaryToJson(s, "onnx").find("\"flops\": " + std::to_string(conv + relu + gemm)),
            std::string::npos);
}

TEST(FlopsTest, UnknownShapeIsCountedApart) {
  Graph g;
  Value* x = g.AddValue("x");  // no shape
  g.inputs().push_back(x);
  Node* r = g.AddNode("Relu", "", "r", {x}, {"y"});
  g.outputs().push_back(r->output(0));
  EXPECT_EQ(EstimateFlops(*r), -1);
  GraphSummary s = Summarize(g);
  EXPECT_EQ(s.flops_unknown, 1);
  EXPECT_EQ(s.total_flops, 0);
}

TEST(FlopsTest, MatMulPoolAndTfConv) {
  Graph g;
  Value* a = g.AddValue("a", Info({2, 5, 7}));
  Value* b = g.AddValue("b", Info({2, 7, 3}));
  Node* mm = g.AddNode("MatMul", "", "mm", {a, b}, {"c"});
  mm->output(0)->info() = Info({2, 5, 3});
  EXPECT_EQ(EstimateFlops(*mm), 2 * 2 * 5 * 3 * 7);

  Value* p = g.AddValue("p", Info({1, 8, 16, 16}));
  Node* pool = g.AddNode("MaxPool", "", "pool", {p}, {"q"});
  pool->set_attr("kernel_shape", Attribute::Ints({3, 3}));
  pool->output(0)->info() = Info({1, 8, 8, 8});
  EXPECT_EQ(EstimateFlops(*pool), 8 * 8 * 8 * 9);

  // TF Conv2D, NHWC input, HWIO filter [5,5,1,32], output [1,12,12,32].
  Value* xi = g.AddValue("xi", Info({1, 28, 28, 1}));
  Value* f = g.AddConstant("f", Tensor::Zeros(DataType::kFloat32, Shape({5, 5, 1, 32})));
  Node* conv = g.AddNode("Conv2D", "tf", "conv", {xi, f}, {"yo"});
  conv->output(0)->info() = Info({1, 12, 12, 32});
  EXPECT_EQ(EstimateFlops(*conv), 2 * 12 * 12 * 32 * 25);
}

}  // namespace
}  // namespace ferry::ir
