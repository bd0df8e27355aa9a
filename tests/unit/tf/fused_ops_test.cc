// The optimizer's TF fusion (runtime/optimize/fuse_tf.cc): Conv2D / DepthwiseConv2dNative +
// BiasAdd (+ AddV2) (+ Relu / Relu6), and MatMul of constant weights + BiasAdd (+ Relu /
// Relu6), become one node, which computes what the unfused graph computes, including the
// fallback for a broadcasting residual; a PadV2 of -inf folds into the MaxPool after it.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "runtime/optimize/optimize.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"

namespace ferry::tf {
namespace {

Tensor Floats(Shape shape, float scale, int salt) {
  Tensor t(DataType::kFloat32, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i)
    t.data<float>()[i] = scale * static_cast<float>((i * 7 + salt) % 23 - 11);
  return t;
}

struct Spec {
  bool depthwise = false;
  std::string activation;              // "", "Relu" or "Relu6"
  std::vector<int64_t> residual_dims;  // empty: no AddV2
};

// x [1, 6, 7, 4] -> conv 3x3 SAME (+ BiasAdd) (+ AddV2 r) (+ activation) -> output.
std::shared_ptr<ir::Graph> Graph(const Spec& s) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()["tf"] = 1;
  auto input = [&](const std::string& name, const std::vector<int64_t>& d) {
    ir::ValueInfo info;
    info.dtype = DataType::kFloat32;
    std::vector<ir::Dim> dims;
    for (int64_t v : d) dims.push_back(ir::Dim::Known(v));
    info.shape = dims;
    ir::Value* v = g->AddValue(name, info);
    g->inputs().push_back(v);
    return v;
  };
  ir::Value* x = input("x", {1, 6, 7, 4});
  const int64_t out = s.depthwise ? 8 : 16;  // depthwise: multiplier 2
  ir::Value* w = g->AddConstant(
      "w", Floats(Shape{3, 3, 4, s.depthwise ? int64_t{2} : out}, 0.05f, 1));
  ir::Value* b = g->AddConstant("b", Floats(Shape{out}, 0.1f, 2));
  const auto f32 = ir::Attribute::Type(DataType::kFloat32);
  ir::Node* c = g->AddNode(s.depthwise ? "DepthwiseConv2dNative" : "Conv2D", "tf", "conv",
                           {x, w}, {"conv:0"});
  c->set_attr("T", f32);
  c->set_attr("strides", ir::Attribute::Ints({1, 1, 1, 1}));
  c->set_attr("dilations", ir::Attribute::Ints({1, 1, 1, 1}));
  c->set_attr("padding", ir::Attribute::String("SAME"));
  c->set_attr("data_format", ir::Attribute::String("NHWC"));
  ir::Node* last = g->AddNode("BiasAdd", "tf", "bias", {c->output(0), b}, {"biased"});
  last->set_attr("T", f32);
  last->set_attr("data_format", ir::Attribute::String("NHWC"));
  if (!s.residual_dims.empty()) {
    ir::Value* r = input("r", s.residual_dims);
    last = g->AddNode("AddV2", "tf", "add", {r, last->output(0)}, {"added"});
    last->set_attr("T", f32);
  }
  if (!s.activation.empty()) {
    last = g->AddNode(s.activation, "tf", "act", {last->output(0)}, {"activated"});
    last->set_attr("T", f32);
  }
  g->outputs().push_back(last->output(0));
  return g;
}

std::vector<Tensor> RunGraph(std::shared_ptr<ir::Graph> g, bool optimize,
                        const std::vector<Tensor>& inputs) {
  runtime::SessionOptions options;
  options.optimize = optimize;
  options.num_threads = 2;
  auto session = runtime::Session::Create(g, TfOpSet(), options);
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  if (!session.ok()) return {};
  auto y = (*session)->Run(inputs);
  EXPECT_TRUE(y.ok()) << y.status().ToString();
  return y.ok() ? *y : std::vector<Tensor>{};
}

TEST(TfFusedOpsTest, EveryFormComputesWhatTheUnfusedGraphComputes) {
  for (bool depthwise : {false, true})
    for (const char* act : {"", "Relu", "Relu6"})
      for (const std::vector<int64_t>& r :
           {std::vector<int64_t>{}, {1, 6, 7, depthwise ? 8 : 16}, {1, 1, 1, depthwise ? 8 : 16}}) {
        const Spec s{depthwise, act, r};
        const std::string what = std::string(depthwise ? "depthwise" : "conv") + " act '" + act +
                                 "' residual rank " + std::to_string(r.size()) +
                                 (r.size() && r[1] == 1 ? " (broadcast)" : "");
        std::vector<Tensor> inputs = {Floats(Shape{1, 6, 7, 4}, 0.5f, 3)};
        if (!r.empty()) inputs.push_back(Floats(Shape(r), 0.3f, 4));
        // The pass absorbs every node after the convolution.
        auto copy = runtime::optimize::CopyGraph(*Graph(s));
        auto stats = runtime::optimize::OptimizeGraph(*copy, {});
        ASSERT_TRUE(stats.ok()) << what;
        EXPECT_EQ(stats->fused_tf, 1 + !r.empty() + (*act != 0)) << what;
        EXPECT_EQ(copy->nodes().size(), 1u) << what;

        const auto want = RunGraph(Graph(s), false, inputs), got = RunGraph(Graph(s), true, inputs);
        ASSERT_EQ(want.size(), 1u) << what;
        ASSERT_EQ(got.size(), 1u) << what;
        ASSERT_EQ(got[0].shape(), want[0].shape()) << what;
        for (int64_t i = 0; i < want[0].NumElements(); ++i) {
          const float a = got[0].data<float>()[i], b = want[0].data<float>()[i];
          ASSERT_LE(std::fabs(a - b), 1e-5f + 1e-5f * std::fabs(b)) << what << " element " << i;
        }
      }
}

// x [5, 12] -> MatMul(x, constant W) -> BiasAdd -> activation; W is [12, 9], or [9, 12] with
// transpose_b. With transpose_a (x given as [12, 5]) nothing fuses: the packed path needs
// an untransposed left operand.
std::shared_ptr<ir::Graph> MatMulGraph(bool ta, bool tb, const std::string& act) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()["tf"] = 1;
  ir::ValueInfo info;
  info.dtype = DataType::kFloat32;
  info.shape = std::vector<ir::Dim>{ir::Dim::Known(ta ? 12 : 5), ir::Dim::Known(ta ? 5 : 12)};
  ir::Value* x = g->AddValue("x", info);
  g->inputs().push_back(x);
  ir::Value* w = g->AddConstant("w", Floats(tb ? Shape{9, 12} : Shape{12, 9}, 0.1f, 5));
  ir::Value* b = g->AddConstant("b", Floats(Shape{9}, 0.2f, 6));
  const auto f32 = ir::Attribute::Type(DataType::kFloat32);
  ir::Node* mm = g->AddNode("MatMul", "tf", "mm", {x, w}, {"mm:0"});
  mm->set_attr("T", f32);
  mm->set_attr("transpose_a", ir::Attribute::Bool(ta));
  mm->set_attr("transpose_b", ir::Attribute::Bool(tb));
  ir::Node* last = g->AddNode("BiasAdd", "tf", "bias", {mm->output(0), b}, {"biased"});
  last->set_attr("T", f32);
  if (!act.empty()) {
    last = g->AddNode(act, "tf", "act", {last->output(0)}, {"activated"});
    last->set_attr("T", f32);
  }
  g->outputs().push_back(last->output(0));
  return g;
}

TEST(TfFusedOpsTest, MatMulWithConstantWeightsFusesBiasAndActivation) {
  for (bool ta : {false, true})
    for (bool tb : {false, true})
      for (const char* act : {"", "Relu", "Relu6"}) {
        const std::string what = std::string("ta ") + (ta ? "1" : "0") + " tb " +
                                 (tb ? "1" : "0") + " act '" + act + "'";
        auto copy = runtime::optimize::CopyGraph(*MatMulGraph(ta, tb, act));
        auto stats = runtime::optimize::OptimizeGraph(*copy, {});
        ASSERT_TRUE(stats.ok()) << what;
        EXPECT_EQ(stats->fused_tf, ta ? 0 : 1 + (*act != 0)) << what;
        const std::vector<Tensor> inputs = {Floats(ta ? Shape{12, 5} : Shape{5, 12}, 0.5f, 7)};
        const auto want = RunGraph(MatMulGraph(ta, tb, act), false, inputs);
        const auto got = RunGraph(MatMulGraph(ta, tb, act), true, inputs);
        ASSERT_EQ(want.size(), 1u) << what;
        ASSERT_EQ(got.size(), 1u) << what;
        ASSERT_EQ(got[0].shape(), (Shape{5, 9})) << what;
        for (int64_t i = 0; i < want[0].NumElements(); ++i) {
          const float a = got[0].data<float>()[i], b = want[0].data<float>()[i];
          ASSERT_LE(std::fabs(a - b), 1e-5f + 1e-5f * std::fabs(b)) << what << " element " << i;
        }
      }
}

// x [1, 7, 9, 3] -> PadV2(pads, fill) -> MaxPool 3x3 stride 2 VALID.
std::shared_ptr<ir::Graph> PadPoolGraph(const std::vector<int32_t>& pads, float fill) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()["tf"] = 1;
  ir::ValueInfo info;
  info.dtype = DataType::kFloat32;
  info.shape = std::vector<ir::Dim>{ir::Dim::Known(1), ir::Dim::Known(7), ir::Dim::Known(9),
                                    ir::Dim::Known(3)};
  ir::Value* x = g->AddValue("x", info);
  g->inputs().push_back(x);
  ir::Value* p = g->AddConstant("pads", Tensor::FromVector<int32_t>(pads, Shape{4, 2}));
  ir::Value* f = g->AddConstant("fill", Tensor::FromVector<float>({fill}, Shape{}));
  const auto f32 = ir::Attribute::Type(DataType::kFloat32);
  ir::Node* pad = g->AddNode("PadV2", "tf", "pad", {x, p, f}, {"padded"});
  pad->set_attr("T", f32);
  ir::Node* pool = g->AddNode("MaxPool", "tf", "pool", {pad->output(0)}, {"pooled"});
  pool->set_attr("T", f32);
  pool->set_attr("ksize", ir::Attribute::Ints({1, 3, 3, 1}));
  pool->set_attr("strides", ir::Attribute::Ints({1, 2, 2, 1}));
  pool->set_attr("padding", ir::Attribute::String("VALID"));
  pool->set_attr("data_format", ir::Attribute::String("NHWC"));
  g->outputs().push_back(pool->output(0));
  return g;
}

TEST(TfFusedOpsTest, PadOfMinusInfinityFoldsIntoMaxPool) {
  const float inf = std::numeric_limits<float>::infinity();
  struct Case {
    std::vector<int32_t> pads;
    float fill;
    bool fuses;
  };
  for (const Case& c : {Case{{0, 0, 1, 1, 1, 1, 0, 0}, -inf, true},   // ResNet's stem pool
                        Case{{0, 0, 2, 0, 0, 1, 0, 0}, -inf, true},   // asymmetric
                        Case{{0, 0, 1, 1, 1, 1, 0, 0}, 0.0f, false},  // zeros can win a max
                        Case{{0, 0, 3, 1, 1, 1, 0, 0}, -inf, false},  // a window of padding
                        Case{{0, 0, 1, 1, 1, 1, 0, 1}, -inf, false}}) {  // channels padded
    const std::string what = "pads[2] " + std::to_string(c.pads[2]) + " fill " +
                             std::to_string(c.fill) + " channel pad " + std::to_string(c.pads[7]);
    auto copy = runtime::optimize::CopyGraph(*PadPoolGraph(c.pads, c.fill));
    auto stats = runtime::optimize::OptimizeGraph(*copy, {});
    ASSERT_TRUE(stats.ok()) << what;
    EXPECT_EQ(stats->fused_tf, c.fuses ? 1 : 0) << what;
    EXPECT_EQ(copy->nodes().size(), c.fuses ? 1u : 2u) << what;
    const std::vector<Tensor> inputs = {Floats(Shape{1, 7, 9, 3}, 0.5f, 8)};
    const auto want = RunGraph(PadPoolGraph(c.pads, c.fill), false, inputs);
    const auto got = RunGraph(PadPoolGraph(c.pads, c.fill), true, inputs);
    ASSERT_EQ(want.size(), 1u) << what;
    ASSERT_EQ(got.size(), 1u) << what;
    ASSERT_EQ(got[0].shape(), want[0].shape()) << what;
    for (int64_t i = 0; i < want[0].NumElements(); ++i)
      ASSERT_EQ(got[0].data<float>()[i], want[0].data<float>()[i]) << what << " element " << i;
  }
}

}  // namespace
}  // namespace ferry::tf
