// The load-time optimizer (runtime/optimize): every pass rewrites as intended and the
// optimized graph computes what the graph as written computes.
#include "runtime/optimize/optimize.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "graph_test_util.h"
#include "kernels/conv.h"
#include "kernels/simd.h"
#include "onnx/ops/registry.h"
#include "runtime/optimize/fused_attrs.h"
#include "runtime/session.h"

namespace ferry::runtime::optimize {
namespace {

using testing::Input;
using testing::Random;

// The default-domain opset these tests build at.
std::shared_ptr<ir::Graph> NewGraph(int64_t opset = 17) { return testing::NewGraph(opset); }

// Weights uniform in [-w_scale, w_scale] (default: unit range).
ir::Node* Conv(ir::Graph& g, const std::string& name, ir::Value* x, int64_t in_c, int64_t out_c,
               int64_t k, uint32_t seed, int64_t group = 1, float w_scale = 1.0f) {
  ir::Value* w =
      g.AddConstant(name + "_w", Random({out_c, in_c / group, k, k}, seed, -w_scale, w_scale));
  ir::Value* b = g.AddConstant(name + "_b", Random({out_c}, seed + 1));
  ir::Node* n = g.AddNode("Conv", "", name, {x, w, b}, {name + "_y"});
  n->set_attr("pads", ir::Attribute::Ints({k / 2, k / 2, k / 2, k / 2}));
  n->set_attr("group", ir::Attribute::Int(group));
  return n;
}

ir::Value* Unary(ir::Graph& g, const std::string& op, ir::Value* x) {
  return g.AddNode(op, "", op + "_" + x->name(), {x}, {op + "_" + x->name() + "_y"})->output(0);
}

// Runs `g` with and without the optimizer; both must agree within `tol` (relative).
void ExpectSameOutputs(std::shared_ptr<ir::Graph> g, const std::vector<Tensor>& inputs, float tol,
                       int num_threads = 2) {
  std::vector<Tensor> ya, yb;
  ASSERT_NO_FATAL_FAILURE(testing::RunPlainAndOptimized(g, inputs, num_threads, &ya, &yb));
  for (size_t o = 0; o < ya.size(); ++o) {
    const Tensor& ta = ya[o];
    const Tensor& tb = yb[o];
    ASSERT_EQ(ta.shape(), tb.shape()) << "output " << o;
    for (int64_t i = 0; i < ta.NumElements(); ++i) {
      const float x = ta.data<float>()[i], y = tb.data<float>()[i];
      ASSERT_LE(std::fabs(x - y), tol * (1.0f + std::fabs(x)))
          << "output " << o << " element " << i << ": unoptimized " << x << ", optimized " << y;
    }
  }
}

// A MaxPool node over `x` (pads omitted when empty).
ir::Node* AddMaxPool(ir::Graph& g, const std::string& name, ir::Value* x,
                     std::vector<int64_t> kernel, std::vector<int64_t> strides,
                     std::vector<int64_t> pads = {}) {
  ir::Node* pool = g.AddNode("MaxPool", "", name, {x}, {name + "_y"});
  pool->set_attr("kernel_shape", ir::Attribute::Ints(std::move(kernel)));
  pool->set_attr("strides", ir::Attribute::Ints(std::move(strides)));
  if (!pads.empty()) pool->set_attr("pads", ir::Attribute::Ints(std::move(pads)));
  return pool;
}

int CountOps(const ir::Graph& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->op_type() == op;
  return n;
}

TEST(OptimizeTest, ConvBatchNormFoldsToOneConvWithSameOutputs) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, 3, 8, 8});
  ir::Node* conv = Conv(*g, "conv", x, 3, 5, 3, 1);
  std::vector<ir::Value*> bn_in = {conv->output(0)};
  bn_in.push_back(g->AddConstant("scale", Random({5}, 10, 0.5f, 2.0f)));
  bn_in.push_back(g->AddConstant("shift", Random({5}, 11)));
  bn_in.push_back(g->AddConstant("mean", Random({5}, 12)));
  bn_in.push_back(g->AddConstant("var", Random({5}, 13, 0.1f, 3.0f)));
  ir::Node* bn = g->AddNode("BatchNormalization", "", "bn", bn_in, {"y"});
  bn->set_attr("epsilon", ir::Attribute::Float(1e-3f));
  g->outputs().push_back(bn->output(0));

  auto copy = CopyGraph(*g);
  OptimizeOptions o;
  o.ops = &onnx::OnnxOpSet();
  auto stats = OptimizeGraph(*copy, o);
  ASSERT_TRUE(stats.ok()) << stats.status().ToString();
  EXPECT_EQ(stats->folded_batch_norms, 1);
  EXPECT_EQ(copy->num_nodes(), 1);
  EXPECT_EQ(CountOps(*copy, "Conv"), 1);
  EXPECT_EQ(copy->outputs()[0]->name(), "y");
  // The caller's graph is untouched.
  EXPECT_EQ(g->num_nodes(), 2);
  ExpectSameOutputs(g, {Random({2, 3, 8, 8}, 99)}, 1e-5f);
}

TEST(OptimizeTest, FusedConvReluEqualsUnfused) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {1, 4, 9, 9});
  ir::Node* conv = Conv(*g, "conv", x, 4, 8, 3, 2);
  g->outputs().push_back(Unary(*g, "Relu", conv->output(0)));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FuseActivation(*copy), 1);
  ASSERT_EQ(copy->num_nodes(), 1);
  EXPECT_EQ(copy->nodes().front()->GetString(kActivationAttr, ""), "Relu");
  ExpectSameOutputs(g, {Random({1, 4, 9, 9}, 5)}, 1e-6f);
}

TEST(OptimizeTest, EveryFusableActivationMatches) {
  for (const std::string op : {"Sigmoid", "Tanh", "HardSwish", "LeakyRelu"}) {
    auto g = NewGraph();
    ir::Value* x = Input(*g, "x", {1, 3, 6, 6});
    ir::Node* conv = Conv(*g, "conv", x, 3, 16, 3, 3);
    g->outputs().push_back(Unary(*g, op, conv->output(0)));
    auto copy = CopyGraph(*g);
    EXPECT_EQ(FuseActivation(*copy), 1) << op;
    ExpectSameOutputs(g, {Random({1, 3, 6, 6}, 6, -3.0f, 3.0f)}, 1e-5f);
  }
}

TEST(OptimizeTest, ClipFromConstantNodesFusesIntoGemm) {
  // Clip-11+ reads min/max from inputs: Constant nodes fold first, then Gemm absorbs Clip.
  auto g = NewGraph(13);
  ir::Value* x = Input(*g, "x", {4, 6});
  ir::Value* w = g->AddConstant("w", Random({5, 6}, 7));
  ir::Value* c = g->AddConstant("c", Random({5}, 8));
  ir::Node* gemm = g->AddNode("Gemm", "", "gemm", {x, w, c}, {"gemm_y"});
  gemm->set_attr("transB", ir::Attribute::Int(1));
  ir::Node* lo = g->AddNode("Constant", "", "lo", {}, {"lo_v"});
  lo->set_attr("value", ir::Attribute::FromTensor(Tensor::Scalar<float>(0.0f)));
  ir::Node* hi = g->AddNode("Constant", "", "hi", {}, {"hi_v"});
  hi->set_attr("value", ir::Attribute::FromTensor(Tensor::Scalar<float>(0.5f)));
  ir::Node* clip =
      g->AddNode("Clip", "", "clip", {gemm->output(0), lo->output(0), hi->output(0)}, {"y"});
  g->outputs().push_back(clip->output(0));
  auto copy = CopyGraph(*g);
  OptimizeOptions o;
  o.ops = &onnx::OnnxOpSet();
  auto stats = OptimizeGraph(*copy, o);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->folded_constants, 2);
  EXPECT_EQ(stats->fused_activations, 1);
  ASSERT_EQ(copy->num_nodes(), 1);
  EXPECT_FLOAT_EQ(copy->nodes().front()->GetFloat(kActivationBetaAttr, 0.0f), 0.5f);
  ExpectSameOutputs(g, {Random({4, 6}, 9)}, 1e-6f);
}

// x -> conv_a -> relu -> conv_b -> Add(x) -> relu -> conv_c: a ResNet block and one more.
std::shared_ptr<ir::Graph> ResidualBlock(int64_t c) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, c, 10, 10});
  ir::Node* stem = Conv(*g, "stem", x, c, c, 3, 20);
  ir::Value* a = Unary(*g, "Relu", Conv(*g, "conv_a", stem->output(0), c, c, 3, 21)->output(0));
  ir::Node* b = Conv(*g, "conv_b", a, c, c, 3, 22);
  ir::Node* add = g->AddNode("Add", "", "add", {b->output(0), stem->output(0)}, {"sum"});
  ir::Value* r = Unary(*g, "Relu", add->output(0));
  ir::Node* dw = Conv(*g, "dw", r, c, c, 3, 23, /*group=*/c);
  g->outputs().push_back(Conv(*g, "conv_c", dw->output(0), c, 7, 1, 24)->output(0));
  return g;
}

TEST(OptimizeTest, ResidualBlockFusesAndStaysBlockedBetweenConvs) {
  for (int64_t c : {16, 24}) {  // 24: channel padding inside the blocked layout
    auto g = ResidualBlock(c);
    auto copy = CopyGraph(*g);
    OptimizeOptions o;
    o.ops = &onnx::OnnxOpSet();
    auto stats = OptimizeGraph(*copy, o);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->fused_residuals, 1);
    EXPECT_EQ(stats->fused_activations, 2);
    EXPECT_EQ(copy->num_nodes(), 5);  // stem, conv_a, conv_b (+add+relu), dw, conv_c
    // stem feeds conv_a and conv_b's residual; conv_a, conv_b and dw feed convs only.
    EXPECT_EQ(stats->blocked_edges, 4);
    ExpectSameOutputs(g, {Random({2, c, 10, 10}, 30)}, 1e-5f);
  }
}

// Buffers a run takes from the session's pool (fresh or reused), at steady state.
int64_t AllocationsPerRun(std::shared_ptr<ir::Graph> g, const Tensor& x) {
  auto s = Session::Create(g, onnx::OnnxOpSet());
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  if (!s.ok()) return -1;
  EXPECT_TRUE((*s)->Run({x}).ok());
  const auto before = (*s)->buffer_pool()->stats();
  auto y = (*s)->Run({x});
  EXPECT_TRUE(y.ok());
  const auto after = (*s)->buffer_pool()->stats();
  return (after.fresh + after.reused) - (before.fresh + before.reused);
}

TEST(OptimizeTest, FusedResidualThatDiesBecomesTheConvOutput) {
  // conv_b accumulates onto the stem's output, whose last use it is: the output takes that
  // buffer (OpContext::OutputInPlace) and the copy into a new one is gone. With the stem's
  // output also a graph output it must stay intact: one buffer more per run, and the same
  // numbers either way.
  const Tensor x = Random({2, 16, 10, 10}, 33);
  auto dies = ResidualBlock(16);
  auto kept = ResidualBlock(16);
  for (const auto& n : kept->nodes())
    if (n->name() == "stem") kept->outputs().push_back(n->output(0));
  const int64_t in_place = AllocationsPerRun(dies, x);
  const int64_t copied = AllocationsPerRun(kept, x);
  EXPECT_GT(in_place, 0);
  EXPECT_EQ(in_place + 1, copied);
  ExpectSameOutputs(dies, {x}, 1e-5f);
  ExpectSameOutputs(kept, {x}, 1e-5f);
  // The kept stem output equals the unoptimized one: the residual was not written over.
  std::vector<Tensor> plain, optimized;
  ASSERT_NO_FATAL_FAILURE(testing::RunPlainAndOptimized(kept, {x}, 1, &plain, &optimized));
  ASSERT_EQ(plain.size(), 2u);
  EXPECT_EQ(std::memcmp(plain[1].raw_data(), optimized[1].raw_data(), plain[1].NumBytes()), 0);
}

TEST(OptimizeTest, ConvIntoGlobalAveragePoolStaysChannelsLast) {
  // ResNet's tail: where the blocking is channels-last the last conv writes [N, 1, H, W, C]
  // for GlobalAveragePool (no reorder to NCHW), which sums each channel in the same order.
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, 8, 7, 7});
  ir::Value* r = Unary(*g, "Relu", Conv(*g, "conv", x, 8, 24, 3, 50)->output(0));
  g->outputs().push_back(g->AddNode("GlobalAveragePool", "", "gap", {r}, {"y"})->output(0));
  auto copy = CopyGraph(*g);
  OptimizeOptions o;
  o.ops = &onnx::OnnxOpSet();
  ASSERT_TRUE(OptimizeGraph(*copy, o).ok());
  const bool channels_last =
      kernels::ConvPreferredBlocking() == kernels::ConvBlocking::kChannelsLast;
  for (const auto& n : copy->nodes()) {
    if (n->op_type() == "Conv") {
      EXPECT_EQ(n->GetInt(kBlockedOutputAttr, 0) != 0, channels_last);
    }
  }
  std::vector<Tensor> plain, optimized;
  ASSERT_NO_FATAL_FAILURE(
      testing::RunPlainAndOptimized(g, {Random({2, 8, 7, 7}, 51)}, 1, &plain, &optimized));
  ASSERT_EQ(optimized[0].shape(), Shape({2, 24, 1, 1}));
  ExpectSameOutputs(g, {Random({2, 8, 7, 7}, 51)}, 1e-5f);
}

TEST(OpContextTest, OutputInPlaceTakesOnlyADyingBufferHeldAlone) {
  ir::Graph g;
  ir::Value* a = g.AddValue("a");
  ir::Node* n = g.AddNode("Relu", "", "n", {a}, {"y"});
  auto run = [&](const Value& in, uint64_t dying, const Shape& shape, DataType dtype) {
    std::vector<Value> outs(1);
    OpContext ctx(*n, {&in}, &outs, 1, nullptr, nullptr, dying);
    auto y = ctx.OutputInPlace(0, 0, dtype, shape);
    EXPECT_TRUE(y.ok());
    return y.ok() && (*y)->raw_data() == in.tensor().raw_data();
  };
  const Shape shape{2, 3};
  Value in(Tensor::Zeros(DataType::kFloat32, shape));
  EXPECT_TRUE(run(in, 1, shape, DataType::kFloat32));
  EXPECT_FALSE(run(in, 0, shape, DataType::kFloat32));           // read again later
  EXPECT_FALSE(run(in, 1, Shape{3, 2}, DataType::kFloat32));     // another shape
  EXPECT_FALSE(run(in, 1, shape, DataType::kInt32));             // another dtype
  Tensor other_holder = in.tensor();                              // a caller or a reshape
  EXPECT_FALSE(run(in, 1, shape, DataType::kFloat32));
}

TEST(OptimizeTest, WinogradCandidatesHandNchw16cBetweenThem) {
  // With Winograd on (FERRY_CONV_WINOGRAD=1), 64 channels: stem, conv_a and conv_b are Winograd candidates (3x3, stride 1), so where
  // the CPU's blocking is channels-last the stem's and conv_a's outputs (read only by them)
  // go nChw16c; conv_b's, read by the depthwise conv, keeps the preferred blocking.
  ::setenv("FERRY_CONV_WINOGRAD", "1", 1);  // opt-in
  auto g = ResidualBlock(64);
  auto copy = CopyGraph(*g);
  OptimizeOptions o;
  o.ops = &onnx::OnnxOpSet();
  ASSERT_TRUE(OptimizeGraph(*copy, o).ok());
  auto blocked = [&](const std::string& name) {
    for (const auto& n : copy->nodes())
      if (n->name() == name) return n->GetInt(kBlockedOutputAttr, 0);
    return int64_t{-1};
  };
  const bool channels_last =
      kernels::ConvPreferredBlocking() == kernels::ConvBlocking::kChannelsLast;
  const int64_t between = channels_last ? kBlockedOutput16c : kBlockedOutputPreferred;
  if (kernels::ConvPreferredBlocking() != kernels::ConvBlocking::kPlain) {
    EXPECT_EQ(blocked("stem"), between);
    EXPECT_EQ(blocked("conv_a"), between);
    EXPECT_EQ(blocked("conv_b"), kBlockedOutputPreferred);
  }
  // Winograd F(2x2, 3x3) rounds differently from the direct kernels: on these unit-scale
  // random weights its error follows the magnitude of the summed terms, not of the output.
  // (Element 1140: -2.2601 unoptimized, -2.2654 through Winograd: why it is opt-in.)
  ExpectSameOutputs(g, {Random({2, 64, 10, 10}, 31)}, 3e-3f);
  ::unsetenv("FERRY_CONV_WINOGRAD");
  auto plain = CopyGraph(*g);
  ASSERT_TRUE(OptimizeGraph(*plain, o).ok());
  for (const auto& n : plain->nodes())  // off by default: no nChw16c edges
    EXPECT_NE(n->GetInt(kBlockedOutputAttr, 0), kBlockedOutput16c) << n->name();
}

TEST(OptimizeTest, BroadcastingResidualFallsBackToSeparateAdd) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {1, 8, 5, 5});
  ir::Value* r = Input(*g, "r", {1, 8, 1, 1});
  ir::Node* conv = Conv(*g, "conv", x, 8, 8, 3, 40);
  ir::Node* add = g->AddNode("Add", "", "add", {r, conv->output(0)}, {"sum"});
  g->outputs().push_back(Unary(*g, "Relu", add->output(0)));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FuseResidual(*copy), 1);
  ExpectSameOutputs(g, {Random({1, 8, 5, 5}, 41), Random({1, 8, 1, 1}, 42)}, 1e-6f);
}

TEST(OptimizeTest, ReluMovesAboveMaxPoolAndFlattenIntoTheConv) {
  // SimpleCNN's tail: Conv -> MaxPool -> Flatten -> Relu -> Gemm.
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, 3, 8, 8});
  ir::Node* conv = Conv(*g, "conv", x, 3, 4, 3, 60);
  ir::Node* pool = g->AddNode("MaxPool", "", "pool", {conv->output(0)}, {"pooled"});
  pool->set_attr("kernel_shape", ir::Attribute::Ints({2, 2}));
  pool->set_attr("strides", ir::Attribute::Ints({2, 2}));
  ir::Node* flat = g->AddNode("Flatten", "", "flat", {pool->output(0)}, {"flat_y"});
  ir::Value* r = Unary(*g, "Relu", flat->output(0));
  ir::Value* w = g->AddConstant("w", Random({5, 64}, 61));
  ir::Node* gemm = g->AddNode("Gemm", "", "gemm", {r, w}, {"y"});
  gemm->set_attr("transB", ir::Attribute::Int(1));
  g->outputs().push_back(gemm->output(0));
  auto copy = CopyGraph(*g);
  OptimizeOptions o;
  o.ops = &onnx::OnnxOpSet();
  auto stats = OptimizeGraph(*copy, o);
  ASSERT_TRUE(stats.ok());
  EXPECT_EQ(stats->hoisted_activations, 1);
  EXPECT_EQ(stats->fused_activations, 1);
  EXPECT_EQ(CountOps(*copy, "Relu"), 0);
  EXPECT_EQ(copy->num_nodes(), 3);  // Conv+Relu+MaxPool, Flatten, Gemm
  ExpectSameOutputs(g, {Random({2, 3, 8, 8}, 62)}, 1e-6f);
}

// The guide's SimpleCNN: Conv -> MaxPool2d(1). A 1x1 pool of stride 1 is an identity: the
// fused Conv carries no pooling at all.
TEST(OptimizeTest, IdentityMaxPoolAfterConvDisappears) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, 1, 28, 28});
  ir::Node* conv = Conv(*g, "conv", x, 1, 32, 5, 90);
  ir::Node* pool = AddMaxPool(*g, "pool", conv->output(0), {1, 1}, {1, 1});
  g->outputs().push_back(pool->output(0));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FusePool(*copy), 1);
  ASSERT_EQ(copy->num_nodes(), 1);
  const ir::Node& fused = *copy->nodes().front();
  EXPECT_EQ(fused.op_type(), "Conv");
  EXPECT_FALSE(fused.has_attr(kPoolKernelAttr));
  EXPECT_EQ(fused.output(0)->name(), "pool_y");
  ExpectSameOutputs(g, {Random({2, 1, 28, 28}, 91)}, 0.0f);
}

TEST(OptimizeTest, ConvMaxPoolFusesWithBlockedAndPlainOutputs) {
  // stem -> Relu -> MaxPool (3x3 s2 pad 1, ResNet's) -> conv2 -> MaxPool (ceil) -> Flatten.
  for (int64_t ceil : {0, 1}) {
    auto g = NewGraph();
    ir::Value* x = Input(*g, "x", {2, 3, 13, 13});
    ir::Value* a = Unary(*g, "Relu", Conv(*g, "stem", x, 3, 16, 3, 70)->output(0));
    ir::Node* p1 = AddMaxPool(*g, "p1", a, {3, 3}, {2, 2}, {1, 1, 1, 1});
    ir::Node* c2 = Conv(*g, "conv2", p1->output(0), 16, 8, 3, 71);
    ir::Node* p2 = AddMaxPool(*g, "p2", c2->output(0), {2, 2}, {2, 2});
    p2->set_attr("ceil_mode", ir::Attribute::Int(ceil));
    ir::Node* flat = g->AddNode("Flatten", "", "flat", {p2->output(0)}, {"y"});
    g->outputs().push_back(flat->output(0));
    auto copy = CopyGraph(*g);
    OptimizeOptions o;
    o.ops = &onnx::OnnxOpSet();
    auto stats = OptimizeGraph(*copy, o);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->fused_pools, 2);
    EXPECT_EQ(CountOps(*copy, "MaxPool"), 0);
    ExpectSameOutputs(g, {Random({2, 3, 13, 13}, 72)}, 1e-5f);
  }
}

// A fused Conv + MaxPool whose convolution writes more than 4 MiB per image runs image by
// image (onnx/ops/conv.cc, kPoolChunkBytes): batch 3 of 64 x 130 x 130 (4.3 MB each), with
// the pooled output kept channels-last for a Conv and, in the second graph, given out as NCHW.
TEST(OptimizeTest, ConvMaxPoolOverFourMiBAnImageRunsImageByImage) {
  for (bool into_conv : {true, false}) {
    auto g = NewGraph();
    ir::Value* x = Input(*g, "x", {3, 3, 130, 130});
    ir::Value* a = Unary(*g, "Relu", Conv(*g, "stem", x, 3, 64, 3, 80)->output(0));
    ir::Value* y = AddMaxPool(*g, "pool", a, {3, 3}, {2, 2}, {1, 1, 1, 1})->output(0);
    if (into_conv) y = Conv(*g, "conv2", y, 64, 8, 3, 81)->output(0);
    g->outputs().push_back(y);
    auto copy = CopyGraph(*g);
    OptimizeOptions o;
    o.ops = &onnx::OnnxOpSet();
    auto stats = OptimizeGraph(*copy, o);
    ASSERT_TRUE(stats.ok());
    EXPECT_EQ(stats->fused_pools, 1);
    ExpectSameOutputs(g, {Random({3, 3, 130, 130}, 82)}, 1e-5f);
  }
}

// A ResNet-style stem and residual block runs ferry's own convolution kernels where the CPU
// has them (kernels/conv3x3.h, conv7x7s2.h): the stem from the NCHW input into channels-last,
// the block's 3x3 convolutions (the second with the residual) on the channels-last
// activations the optimizer hands between them.
// A change to those layouts would otherwise only show as a slower benchmark.
TEST(OptimizeTest, ResNetBlockRunsFerrysOwnConvolutionKernels) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {1, 3, 56, 56});
  // Weights scaled by the fan-in, as trained ones are, so the activations stay near 1.
  auto scale = [](int64_t c, int64_t k) { return 1.7f / std::sqrt(static_cast<float>(c * k * k)); };
  ir::Node* stem = Conv(*g, "stem", x, 3, 64, 7, 90, 1, scale(3, 7));
  stem->set_attr("strides", ir::Attribute::Ints({2, 2}));
  ir::Value* a = AddMaxPool(*g, "pool", Unary(*g, "Relu", stem->output(0)), {3, 3}, {2, 2},
                            {1, 1, 1, 1})->output(0);  // 14 x 14
  ir::Value* b = Unary(*g, "Relu", Conv(*g, "conv1", a, 64, 64, 3, 91, 1, scale(64, 3))->output(0));
  ir::Value* c = Conv(*g, "conv2", b, 64, 64, 3, 92, 1, scale(64, 3))->output(0);
  ir::Value* sum = g->AddNode("Add", "", "add", {c, a}, {"sum"})->output(0);
  // conv3 writes the graph's NCHW output, which only oneDNN's kernel does.
  g->outputs().push_back(
      Conv(*g, "conv3", Unary(*g, "Relu", sum), 64, 32, 3, 94, 1, scale(64, 3))->output(0));
  const std::vector<Tensor> inputs = {Random({1, 3, 56, 56}, 93)};
  ExpectSameOutputs(g, inputs, 1e-5f);  // against the unoptimized graph, on oneDNN

  if (!kernels::HasAvx512() ||
      kernels::ConvPreferredBlocking() != kernels::ConvBlocking::kChannelsLast)
    GTEST_SKIP() << "no AVX-512 channels-last path on this CPU";
  SessionOptions options;
  options.num_threads = 2;
  auto session = Session::Create(g, onnx::OnnxOpSet(), options);
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  const int64_t before = kernels::OwnConvolutionRuns();
  ASSERT_TRUE((*session)->Run(inputs).ok());
  EXPECT_EQ(kernels::OwnConvolutionRuns() - before, 3);  // the stem, conv1, conv2 + residual
}

TEST(OptimizeTest, ConstantFoldingAndShapeOfStaticInput) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {2, 3, 4});
  ir::Value* a = g->AddConstant("a", Tensor::FromVector<float>({1, 2, 3, 4}, Shape{4}));
  ir::Node* sq = g->AddNode("Mul", "", "sq", {a, a}, {"a2"});
  ir::Node* add = g->AddNode("Add", "", "add", {x, sq->output(0)}, {"y"});
  ir::Node* shape = g->AddNode("Shape", "", "shape", {x}, {"s"});
  shape->set_attr("start", ir::Attribute::Int(1));
  g->outputs().push_back(add->output(0));
  g->outputs().push_back(shape->output(0));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(FoldConstants(*copy, onnx::OnnxOpSet()), 2);
  EXPECT_EQ(copy->num_nodes(), 1);
  ir::Value* s = copy->FindValue("s");
  ASSERT_TRUE(s && s->is_constant());
  EXPECT_EQ(s->constant().ToInt64Vector(), (std::vector<int64_t>{3, 4}));
  ir::Value* a2 = copy->FindValue("a2");
  ASSERT_TRUE(a2 && a2->is_constant());
  EXPECT_EQ(a2->constant().data<float>()[3], 16.0f);
}

TEST(OptimizeTest, DeadNodesAreRemoved) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {3});
  g->AddNode("Neg", "", "unused", {x}, {"dead"});
  g->outputs().push_back(Unary(*g, "Relu", x));
  auto copy = CopyGraph(*g);
  EXPECT_EQ(EliminateDeadCode(*copy), 1);
  EXPECT_EQ(copy->num_nodes(), 1);
}

TEST(OptimizeTest, UnsupportedOpLeavesTheGraphToTheSession) {
  auto g = NewGraph();
  ir::Value* x = Input(*g, "x", {3});
  g->AddNode("NoSuchOp", "", "bad", {x}, {"dead"});  // dead, but must still be reported
  g->outputs().push_back(Unary(*g, "Relu", x));
  std::shared_ptr<const ir::Graph> in = g;
  auto out = OptimizedCopy(in, onnx::OnnxOpSet());
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->get(), in.get());
  auto s = Session::Create(g, onnx::OnnxOpSet());
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.status().message().find("NoSuchOp"), std::string::npos);
}

TEST(OptimizeTest, OptimizedRunsAreBitwiseDeterministic) {
  auto g = ResidualBlock(16);
  SessionOptions o;
  o.num_threads = 2;
  auto s = Session::Create(g, onnx::OnnxOpSet(), o);
  ASSERT_TRUE(s.ok());
  const Tensor x = Random({2, 16, 10, 10}, 50);
  auto y1 = (*s)->Run({x});
  auto y2 = (*s)->Run({x});
  ASSERT_TRUE(y1.ok() && y2.ok());
  ASSERT_EQ((*y1)[0].NumBytes(), (*y2)[0].NumBytes());
  EXPECT_EQ(std::memcmp((*y1)[0].raw_data(), (*y2)[0].raw_data(), (*y1)[0].NumBytes()), 0);
}

TEST(OptimizeTest, KeepAllReportsTheValuesOfTheGraphAsWritten) {
  auto g = ResidualBlock(16);
  auto s = Session::Create(g, onnx::OnnxOpSet());
  ASSERT_TRUE(s.ok());
  auto all = (*s)->RunAndKeepAll({Random({2, 16, 10, 10}, 51)});
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  // conv_a's own output exists only in the unfused graph, and is plain NCHW.
  ASSERT_TRUE(all->count("conv_a_y"));
  EXPECT_EQ(all->at("conv_a_y").shape(), (Shape{2, 16, 10, 10}));
}

TEST(OptimizeTest, KeepOriginalGraphOffReleasesTheGraphAsGiven) {
  const Tensor x = Random({2, 16, 10, 10}, 52);
  auto kept = Session::Create(ResidualBlock(16), onnx::OnnxOpSet());
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  auto want = (*kept)->Run({x});
  ASSERT_TRUE(want.ok()) << want.status().ToString();

  auto g = ResidualBlock(16);
  std::weak_ptr<ir::Graph> given = g;
  SessionOptions o;
  o.keep_original_graph = false;
  auto s = Session::Create(std::move(g), onnx::OnnxOpSet(), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(given.expired());  // nothing but the session held it
  auto got = (*s)->Run({x});
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->size(), 1u);
  ASSERT_EQ((*got)[0].shape(), (*want)[0].shape());
  EXPECT_EQ(std::memcmp((*got)[0].raw_data(), (*want)[0].raw_data(), (*want)[0].NumBytes()), 0);
  auto all = (*s)->RunAndKeepAll({x});
  EXPECT_EQ(all.status().code(), StatusCode::kFailedPrecondition);

  // Only the stem's input shape is declared (a Session runs no shape inference; OpenModel
  // does): the stem packed its weights when it was built and the session dropped the
  // original. The outputs above are bitwise those of the session that keeps it.
  EXPECT_EQ((*s)->num_released_constants(), 1);
  EXPECT_EQ((*kept)->num_released_constants(), 0);

  // Without the optimizer the session runs the graph as given: it keeps it.
  auto plain_g = ResidualBlock(16);
  std::weak_ptr<ir::Graph> plain_given = plain_g;
  o.optimize = false;
  auto plain = Session::Create(std::move(plain_g), onnx::OnnxOpSet(), o);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain_given.expired());
  EXPECT_TRUE((*plain)->RunAndKeepAll({x}).ok());
}

TEST(OptimizeTest, PackedWeightsRunOtherBatchesAndSizes) {
  // A Conv with an unknown batch packs for batch 1 when it is built and is then run at
  // other batches from its packed copy alone (other spatial sizes: ConvTest.PackedWeights*).
  auto build = [] {
    auto g = NewGraph();
    ir::ValueInfo info;
    info.dtype = DataType::kFloat32;
    info.shape = std::vector<ir::Dim>{ir::Dim::Named("N"), ir::Dim::Known(8), ir::Dim::Known(6),
                                      ir::Dim::Known(6)};
    ir::Value* x = g->AddValue("x", info);
    g->inputs().push_back(x);
    ir::Node* c = Conv(*g, "conv", x, 8, 16, 3, 70);
    ir::Value* r = Unary(*g, "Relu", c->output(0));
    g->outputs().push_back(Conv(*g, "conv2", r, 16, 4, 1, 72)->output(0));
    return g;
  };
  auto kept = Session::Create(build(), onnx::OnnxOpSet());
  ASSERT_TRUE(kept.ok()) << kept.status().ToString();
  SessionOptions o;
  o.keep_original_graph = false;
  auto s = Session::Create(build(), onnx::OnnxOpSet(), o);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // Nothing types conv2's input (no shape inference here): it packs on its first run, as
  // before, and its weights stay.
  EXPECT_EQ((*s)->num_released_constants(), 1);
  for (const auto& dims : std::vector<std::vector<int64_t>>{{1, 8, 6, 6}, {3, 8, 6, 6}}) {
    const Tensor x = Random(dims, 71);
    auto want = (*kept)->Run({x});
    auto got = (*s)->Run({x});
    ASSERT_TRUE(want.ok() && got.ok());
    ASSERT_EQ((*got)[0].shape(), (*want)[0].shape());
    EXPECT_EQ(std::memcmp((*got)[0].raw_data(), (*want)[0].raw_data(), (*want)[0].NumBytes()), 0);
  }
}

}  // namespace
}  // namespace ferry::runtime::optimize
