// The transformer-side fusions of the load-time optimizer (runtime/optimize): MatMul + bias
// (+ activation) and torch's decomposed LayerNorm. Each rewrites as intended, drops nodes,
// and the optimized graph computes what the graph as written computes: bitwise (both run
// the same kernels with the same roundings; oneDNN adds the bias and applies Relu to the
// same float accumulator the separate Add and Relu read).
#include <gtest/gtest.h>

#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "graph_test_util.h"
#include "onnx/ops/registry.h"
#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/session.h"

namespace ferry::runtime::optimize {
namespace {

using testing::Input;
using testing::Random;

// The default-domain opset these tests build at.
std::shared_ptr<ir::Graph> NewGraph(int64_t opset = 13) { return testing::NewGraph(opset); }

ir::Value* Node(ir::Graph& g, const std::string& op, const std::string& name,
                std::vector<ir::Value*> in) {
  return g.AddNode(op, "", name, std::move(in), {name + "_y"})->output(0);
}

ir::Value* Scalar(ir::Graph& g, const std::string& name, float v) {
  return g.AddConstant(name, Tensor::FromVector<float>({v}, Shape{}));
}

StatusOr<OptimizeStats> Optimize(ir::Graph& g) {
  OptimizeOptions o;
  o.ops = &onnx::OnnxOpSet();
  return OptimizeGraph(g, o);
}

// Runs `g` with and without the optimizer and expects bitwise equal outputs.
void ExpectBitwiseSame(std::shared_ptr<ir::Graph> g, const std::vector<Tensor>& inputs) {
  std::vector<Tensor> ya, yb;
  ASSERT_NO_FATAL_FAILURE(testing::RunPlainAndOptimized(g, inputs, 2, &ya, &yb));
  for (size_t o = 0; o < ya.size(); ++o) {
    const Tensor& ta = ya[o];
    const Tensor& tb = yb[o];
    ASSERT_EQ(ta.shape(), tb.shape()) << "output " << o;
    for (int64_t i = 0; i < ta.NumElements(); ++i)
      ASSERT_EQ(ta.data<float>()[i], tb.data<float>()[i])
          << "output " << o << " element " << i << " differs";
  }
}

// x [2, 5, 6] -> MatMul(W [6, 7]) -> Add(bias, .) -> Relu: a feed-forward layer as torch
// 1.13 exports nn.Linear on a 3-D input (the bias first in the Add).
std::shared_ptr<ir::Graph> LinearRelu(Tensor bias) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, 5, 6});
  ir::Value* w = g->AddConstant("w", Random({6, 7}, 1));
  ir::Value* b = g->AddConstant("b", std::move(bias));
  ir::Value* mm = Node(*g, "MatMul", "mm", {x, w});
  ir::Value* add = Node(*g, "Add", "add", {b, mm});
  g->outputs().push_back(Node(*g, "Relu", "relu", {add}));
  return g;
}

TEST(FusionTest, MatMulBiasReluBecomesOneNodeWithSameOutputs) {
  auto g = LinearRelu(Random({7}, 2));
  auto copy = CopyGraph(*g);
  auto stats = Optimize(*copy);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->fused_biases, 1);
  EXPECT_EQ(stats->fused_activations, 1);
  ASSERT_EQ(copy->num_nodes(), 1);  // was 3
  const ir::Node& n = *copy->nodes().front();
  EXPECT_EQ(n.op_type(), "MatMul");
  EXPECT_EQ(n.GetInt(kBiasAttr, 0), 1);
  EXPECT_EQ(n.GetString(kActivationAttr, ""), "Relu");
  EXPECT_EQ(copy->outputs()[0]->name(), "relu_y");
  EXPECT_EQ(g->num_nodes(), 3);  // the caller's graph is untouched
  ExpectBitwiseSame(g, {Random({2, 5, 6}, 3)});
}

TEST(FusionTest, MatMulBiasOfLeadingOnesFusesAndAWideBiasDoesNot) {
  {  // [1, 1, 7] against a rank-3 x: the same row.
    auto g = LinearRelu(Random({1, 1, 7}, 4));
    auto copy = CopyGraph(*g);
    EXPECT_EQ(FuseMatMulBias(*copy), 1);
    EXPECT_EQ(copy->num_nodes(), 2);
    ExpectBitwiseSame(g, {Random({2, 5, 6}, 5)});
  }
  {  // [5, 7] adds a different row per position: not a bias.
    auto g = LinearRelu(Random({5, 7}, 6));
    auto copy = CopyGraph(*g);
    EXPECT_EQ(FuseMatMulBias(*copy), 0);
    EXPECT_EQ(copy->num_nodes(), 3);
    ExpectBitwiseSame(g, {Random({2, 5, 6}, 7)});
  }
}

TEST(FusionTest, MatMulWithAVariableRightOperandIsLeftAlone) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {4, 6});
  ir::Value* w = Input(*g, "w", {6, 3});
  ir::Value* mm = Node(*g, "MatMul", "mm", {x, w});
  g->outputs().push_back(Node(*g, "Add", "add", {mm, g->AddConstant("b", Random({3}, 8))}));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FuseMatMulBias(*copy), 0);
  EXPECT_EQ(copy->num_nodes(), 2);
}

// torch 1.13's nn.LayerNorm at opset 13: nine nodes over the last axis.
ir::Value* DecomposedLayerNorm(ir::Graph& g, ir::Value* x, const std::string& p, int64_t d,
                               bool affine) {
  auto mean_node = [&](const std::string& name, ir::Value* v) {
    ir::Node* n = g.AddNode("ReduceMean", "", name, {v}, {name + "_y"});
    n->set_attr("axes", ir::Attribute::Ints({-1}));
    return n->output(0);
  };
  ir::Value* mean = mean_node(p + "mean", x);
  ir::Value* sub = Node(g, "Sub", p + "sub", {x, mean});
  ir::Value* pow = Node(g, "Pow", p + "pow", {sub, Scalar(g, p + "two", 2.0f)});
  ir::Value* var = mean_node(p + "var", pow);
  ir::Value* add = Node(g, "Add", p + "add_eps", {var, Scalar(g, p + "eps", 1e-5f)});
  ir::Value* y = Node(g, "Div", p + "div", {sub, Node(g, "Sqrt", p + "sqrt", {add})});
  if (!affine) return y;
  y = Node(g, "Mul", p + "mul", {y, g.AddConstant(p + "scale", Random({d}, 11, 0.5f, 2.0f))});
  return Node(g, "Add", p + "bias", {y, g.AddConstant(p + "shift", Random({d}, 12))});
}

TEST(FusionTest, DecomposedLayerNormBecomesOneNodeBitwise) {
  for (bool affine : {true, false}) {
    auto g = NewGraph();
    ir::Value* x = Input(*g, "x", {2, 3, 16});
    // Residual Add in front, as in a transformer layer: x has two readers.
    ir::Value* r = Node(*g, "Add", "residual", {x, x});
    g->outputs().push_back(DecomposedLayerNorm(*g, r, "ln_", 16, affine));
    const int before = g->num_nodes();
    auto copy = CopyGraph(*g);
    auto stats = Optimize(*copy);
    ASSERT_TRUE(stats.ok()) << stats.status().ToString();
    EXPECT_EQ(stats->fused_layer_norms, 1);
    EXPECT_EQ(copy->num_nodes(), 2) << "from " << before;  // residual Add + the layer norm
    int fused = 0;
    for (const auto& n : copy->nodes())
      fused += n->domain() == kFerryDomain && n->op_type() == "LayerNormalization";
    EXPECT_EQ(fused, 1);
    EXPECT_EQ(copy->opset(kFerryDomain), 1);
    ExpectBitwiseSame(g, {Random({2, 3, 16}, 13, -4.0f, 6.0f)});
  }
}

TEST(FusionTest, LayerNormWithAnIntermediateReadElsewhereIsNotFused) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {4, 8});
  g->outputs().push_back(DecomposedLayerNorm(*g, x, "ln_", 8, true));
  g->outputs().push_back(g->FindValue("ln_sub_y"));  // the centred x is also an output
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FuseLayerNorm(*copy), 0);
  EXPECT_EQ(copy->num_nodes(), g->num_nodes());
}

TEST(FusionTest, LayerNormOverAnotherAxisIsNotFused) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {4, 8});
  g->outputs().push_back(DecomposedLayerNorm(*g, x, "ln_", 8, true));
  ir::Node* mean = nullptr;
  for (const auto& n : g->nodes())
    if (n->name() == "ln_mean") mean = n.get();
  ASSERT_NE(mean, nullptr);
  mean->set_attr("axes", ir::Attribute::Ints({0}));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FuseLayerNorm(*copy), 0);
}

// A transformer feed-forward block: LayerNorm -> Linear + Relu -> Linear -> residual Add.
TEST(FusionTest, FeedForwardBlockFusesEndToEnd) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {1, 8, 16});
  ir::Value* ln = DecomposedLayerNorm(*g, x, "ln_", 16, true);
  ir::Value* h = Node(*g, "MatMul", "fc1", {ln, g->AddConstant("w1", Random({16, 32}, 21))});
  h = Node(*g, "Add", "fc1_bias", {g->AddConstant("b1", Random({32}, 22)), h});
  h = Node(*g, "Relu", "relu", {h});
  h = Node(*g, "MatMul", "fc2", {h, g->AddConstant("w2", Random({32, 16}, 23))});
  h = Node(*g, "Add", "fc2_bias", {g->AddConstant("b2", Random({16}, 24)), h});
  g->outputs().push_back(Node(*g, "Add", "residual", {ln, h}));
  auto copy = CopyGraph(*g);
  auto stats = Optimize(*copy);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(copy->num_nodes(), 4);  // layer norm, fc1 (+bias+relu), fc2 (+bias), residual
  EXPECT_LT(copy->num_nodes(), g->num_nodes());
  ExpectBitwiseSame(g, {Random({1, 8, 16}, 25)});
}

// torch 1.13's Gelu: Div(x, sqrt 2) -> Erf -> Add 1 -> Mul(x, .) -> Mul 0.5.
TEST(FusionTest, GeluChainBecomesOneNodeBitwise) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {3, 700});  // more than one of the kernel's blocks
  ir::Value* t = Node(*g, "Div", "div", {x, Scalar(*g, "sqrt2", 1.4142135381698608f)});
  t = Node(*g, "Erf", "erf", {t});
  t = Node(*g, "Add", "add", {t, Scalar(*g, "one", 1.0f)});
  t = Node(*g, "Mul", "mul", {x, t});
  g->outputs().push_back(Node(*g, "Mul", "half", {t, Scalar(*g, "half_c", 0.5f)}));
  auto copy = CopyGraph(*g);
  auto stats = Optimize(*copy);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->fused_chains, 1);
  ASSERT_EQ(copy->num_nodes(), 1);  // was 5
  EXPECT_EQ(copy->nodes().front()->op_type(), "ElementwiseChain");
  EXPECT_EQ(copy->outputs()[0]->name(), "half_y");
  ExpectBitwiseSame(g, {Random({3, 700}, 31, -4.0f, 4.0f)});
}

TEST(FusionTest, ChainStopsAtATensorOperandAndAtASharedValue) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {4, 5});
  ir::Value* t = Node(*g, "Sub", "sub", {Scalar(*g, "c", 3.0f), x});  // c - x
  t = Node(*g, "Sigmoid", "sig", {t});                                // fused with sub
  ir::Value* shared = Node(*g, "Exp", "exp", {t});                    // ends the chain:
  g->outputs().push_back(Node(*g, "Neg", "neg", {shared}));           // two readers
  g->outputs().push_back(
      Node(*g, "Mul", "scale", {shared, g->AddConstant("v", Random({5}, 32))}));  // a vector
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FuseElementwiseChains(*copy), 1);
  EXPECT_EQ(copy->num_nodes(), 3);  // chain(sub, sig, exp), neg, scale
  ExpectBitwiseSame(g, {Random({4, 5}, 33, -3.0f, 3.0f)});
}

}  // namespace
}  // namespace ferry::runtime::optimize
