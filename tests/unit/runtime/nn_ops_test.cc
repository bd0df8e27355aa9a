// Conv, pools, Gemm, MatMul, BatchNormalization and softmax through the session, against the
// reference kernels or hand computations.
#include <random>

#include "kernels/reference/conv.h"
#include "kernels/reference/gemm.h"
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::IotaFloats;
using testing::Near;

std::vector<float> Random(std::mt19937& rng, int64_t n) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (auto& x : v) x = d(rng);
  return v;
}

struct ConvCase {
  int64_t c, m, group, k;
  std::vector<int64_t> pads, strides, dilations;
  bool bias;
};

TEST(ConvOpTest, GroupsDepthwiseAndAsymmetricPadsMatchReference) {
  std::mt19937 rng(42);
  const ConvCase cases[] = {
      {4, 6, 1, 3, {1, 0, 2, 1}, {1, 1}, {1, 1}, true},
      {4, 6, 2, 3, {0, 1, 1, 0}, {2, 1}, {1, 2}, false},
      {6, 6, 6, 3, {1, 1, 1, 1}, {1, 1}, {1, 1}, true},   // depthwise (MobileNetV2)
      {3, 6, 3, 3, {1, 1, 1, 1}, {2, 2}, {1, 1}, true},   // depthwise multiplier 2
      {8, 4, 1, 1, {0, 0, 0, 0}, {1, 1}, {1, 1}, false},  // pointwise
  };
  for (const ConvCase& cc : cases) {
    GraphBuilder b(11);
    ir::Value* x = b.Input("x");
    auto wv = Random(rng, cc.m * (cc.c / cc.group) * cc.k * cc.k);
    auto bv = Random(rng, cc.m);
    std::vector<ir::Value*> ins = {
        x, b.Const("w", Tensor::FromVector(wv, Shape{cc.m, cc.c / cc.group, cc.k, cc.k}))};
    if (cc.bias) ins.push_back(b.Const("b", Tensor::FromVector(bv, Shape{cc.m})));
    ir::Node* n = b.Node("Conv", "conv", ins);
    n->set_attr("group", ir::Attribute::Int(cc.group));
    n->set_attr("pads", ir::Attribute::Ints(cc.pads));
    n->set_attr("strides", ir::Attribute::Ints(cc.strides));
    n->set_attr("dilations", ir::Attribute::Ints(cc.dilations));
    n->set_attr("kernel_shape", ir::Attribute::Ints({cc.k, cc.k}));
    b.Output(n->output(0));
    auto xv = Random(rng, 2 * cc.c * 7 * 8);
    auto sess = b.Session(2);
    ASSERT_TRUE(sess.ok()) << sess.status().ToString();
    kernels::ConvParams p;
    p.batch = 2;
    p.in_channels = cc.c;
    p.in_h = 7;
    p.in_w = 8;
    p.out_channels = cc.m;
    p.kernel_h = p.kernel_w = cc.k;
    p.groups = cc.group;
    p.pad_top = cc.pads[0];
    p.pad_left = cc.pads[1];
    p.pad_bottom = cc.pads[2];
    p.pad_right = cc.pads[3];
    p.stride_h = cc.strides[0];
    p.stride_w = cc.strides[1];
    p.dilation_h = cc.dilations[0];
    p.dilation_w = cc.dilations[1];
    std::vector<float> want(p.y_size());
    kernels::reference::Conv2D(p, xv.data(), wv.data(), cc.bias ? bv.data() : nullptr, want.data());
    for (int rep = 0; rep < 2; ++rep) {  // second run uses the cached weights
      auto y = (*sess)->Run({Tensor::FromVector(xv, Shape{2, cc.c, 7, 8})});
      ASSERT_TRUE(y.ok()) << y.status().ToString();
      EXPECT_EQ((*y)[0].shape(), Shape({2, cc.m, p.out_h(), p.out_w()})) << p.ToString();
      EXPECT_TRUE(Near(Floats((*y)[0]), want, 1e-4f)) << p.ToString();
    }
  }
}

TEST(ConvOpTest, AutoPadSameUpperKeepsSpatialSize) {
  GraphBuilder b(11);
  ir::Value* x = b.Input("x");
  ir::Node* n =
      b.Node("Conv", "conv",
             {x, b.Const("w", Tensor::FromVector(std::vector<float>(9, 1.0f), Shape{1, 1, 3, 3}))});
  n->set_attr("auto_pad", ir::Attribute::String("SAME_UPPER"));
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(std::vector<float>(16, 1.0f), Shape{1, 1, 4, 4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ((*y)[0].shape(), Shape({1, 1, 4, 4}));
  // Corner sees 2x2 ones, edge 2x3, interior 3x3.
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{4, 6, 6, 4, 6, 9, 9, 6, 6, 9, 9, 6, 4, 6, 6, 4}));
}

TEST(PoolOpTest, MaxPoolCeilModeAddsPartialWindows) {
  for (bool ceil_mode : {false, true}) {
    GraphBuilder b(12);
    ir::Value* x = b.Input("x");
    ir::Node* n = b.Node("MaxPool", "pool", {x});
    n->set_attr("kernel_shape", ir::Attribute::Ints({3, 3}));
    n->set_attr("strides", ir::Attribute::Ints({2, 2}));
    n->set_attr("ceil_mode", ir::Attribute::Int(ceil_mode));
    b.Output(n->output(0));
    auto y = b.Run({Tensor::FromVector(IotaFloats(16), Shape{1, 1, 4, 4})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    if (ceil_mode) {
      EXPECT_EQ((*y)[0].shape(), Shape({1, 1, 2, 2}));
      EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{10, 11, 14, 15}));
    } else {
      EXPECT_EQ((*y)[0].shape(), Shape({1, 1, 1, 1}));
      EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{10}));
    }
  }
}

TEST(PoolOpTest, AveragePoolCountIncludePad) {
  for (int include : {0, 1}) {
    GraphBuilder b(11);
    ir::Value* x = b.Input("x");
    ir::Node* n = b.Node("AveragePool", "avg", {x});
    n->set_attr("kernel_shape", ir::Attribute::Ints({2, 2}));
    n->set_attr("pads", ir::Attribute::Ints({1, 1, 0, 0}));
    n->set_attr("count_include_pad", ir::Attribute::Int(include));
    b.Output(n->output(0));
    auto y = b.Run({Tensor::FromVector(std::vector<float>{1, 2, 3, 4}, Shape{1, 1, 2, 2})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    // Top-left window holds only x[0,0]=1: 1/1 without pads, 1/4 with them.
    const std::vector<float> want = include ? std::vector<float>{0.25f, 0.75f, 1.0f, 2.5f}
                                            : std::vector<float>{1.0f, 1.5f, 2.0f, 2.5f};
    EXPECT_TRUE(Near(Floats((*y)[0]), want)) << "count_include_pad=" << include;
  }
}

TEST(PoolOpTest, GlobalAveragePoolAndFlatten) {
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* g = b.Node("GlobalAveragePool", "gap", {x});
  ir::Node* f = b.Node("Flatten", "flat", {g->output(0)});
  b.Output(f->output(0));
  auto y = b.Run({Tensor::FromVector(IotaFloats(12), Shape{1, 3, 2, 2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({1, 3}));
  EXPECT_EQ(Floats((*y)[0]), (std::vector<float>{1.5f, 5.5f, 9.5f}));
}

TEST(GemmOpTest, TransBAndBroadcastBias) {
  std::mt19937 rng(3);
  auto a = Random(rng, 3 * 5), w = Random(rng, 4 * 5), c = Random(rng, 4);
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Gemm", "fc",
                       {x, b.Const("w", Tensor::FromVector(w, Shape{4, 5})),
                        b.Const("c", Tensor::FromVector(c, Shape{4}))});
  n->set_attr("transB", ir::Attribute::Int(1));
  n->set_attr("alpha", ir::Attribute::Float(0.5f));
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(a, Shape{3, 5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  std::vector<float> want(12);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 4; ++j) {
      double s = 0;
      for (int k = 0; k < 5; ++k) s += a[i * 5 + k] * w[j * 5 + k];
      want[i * 4 + j] = static_cast<float>(0.5 * s + c[j]);
    }
  EXPECT_TRUE(Near(Floats((*y)[0]), want));
}

TEST(MatMulOpTest, BatchedTimesMatrix) {
  std::mt19937 rng(4);
  auto a = Random(rng, 2 * 3 * 4), w = Random(rng, 4 * 5);
  GraphBuilder b;
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("MatMul", "mm", {x, b.Const("w", Tensor::FromVector(w, Shape{4, 5}))});
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(a, Shape{2, 3, 4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({2, 3, 5}));
  std::vector<float> want(30);
  kernels::reference::MatMul(a.data(), {2, 3, 4}, w.data(), {4, 5}, want.data());
  EXPECT_TRUE(Near(Floats((*y)[0]), want));
}

TEST(BatchNormOpTest, InferenceFormula) {
  GraphBuilder b(15);
  ir::Value* x = b.Input("x");
  auto vec = [](std::vector<float> v) { return Tensor::FromVector(v, Shape{2}); };
  ir::Node* n = b.Node("BatchNormalization", "bn",
                       {x, b.Const("s", vec({2, 0.5f})), b.Const("b", vec({1, -1})),
                        b.Const("m", vec({0.5f, 2})), b.Const("v", vec({4, 0.25f}))});
  n->set_attr("epsilon", ir::Attribute::Float(0.0f));
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(std::vector<float>{0.5f, 2.5f, 2, 3}, Shape{1, 2, 2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  // c0: (x - 0.5) / 2 * 2 + 1; c1: (x - 2) / 0.5 * 0.5 - 1.
  EXPECT_TRUE(Near(Floats((*y)[0]), {1.0f, 3.0f, -1.0f, 0.0f}));
}

TEST(SoftmaxOpTest, Opset11CoercesTo2DAndOpset13UsesOneAxis) {
  const std::vector<float> xv = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};  // [2, 3, 2]
  for (int opset : {11, 13}) {
    GraphBuilder b(opset);
    ir::Value* x = b.Input("x");
    ir::Node* n = b.Node("Softmax", "sm", {x});
    n->set_attr("axis", ir::Attribute::Int(1));
    ir::Node* l = b.Node("LogSoftmax", "lsm", {x});
    l->set_attr("axis", ir::Attribute::Int(1));
    b.Output(n->output(0));
    b.Output(l->output(0));
    auto y = b.Run({Tensor::FromVector(xv, Shape{2, 3, 2})});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    std::vector<float> want(12);
    for (int o = 0; o < 2; ++o) {
      if (opset == 11) {  // normalise over the 6 elements of each batch row
        double s = 0;
        for (int i = 0; i < 6; ++i) s += std::exp(xv[o * 6 + i]);
        for (int i = 0; i < 6; ++i)
          want[o * 6 + i] = static_cast<float>(std::exp(xv[o * 6 + i]) / s);
      } else {  // normalise over dim 1 only, separately for each of the 2 inner positions
        for (int in = 0; in < 2; ++in) {
          double s = 0;
          for (int i = 0; i < 3; ++i) s += std::exp(xv[o * 6 + i * 2 + in]);
          for (int i = 0; i < 3; ++i)
            want[o * 6 + i * 2 + in] = static_cast<float>(std::exp(xv[o * 6 + i * 2 + in]) / s);
        }
      }
    }
    EXPECT_TRUE(Near(Floats((*y)[0]), want)) << "opset " << opset;
    std::vector<float> log_want(12);
    for (int i = 0; i < 12; ++i) log_want[i] = std::log(want[i]);
    EXPECT_TRUE(Near(Floats((*y)[1]), log_want, 1e-4f)) << "opset " << opset;
  }
}

TEST(SoftmaxOpTest, Opset13DefaultAxisIsLast) {
  GraphBuilder b(13);
  ir::Value* x = b.Input("x");
  ir::Node* n = b.Node("Softmax", "sm", {x});
  b.Output(n->output(0));
  auto y = b.Run({Tensor::FromVector(std::vector<float>{0, 0, 1, 1}, Shape{2, 2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {0.5f, 0.5f, 0.5f, 0.5f}));
}

}  // namespace
}  // namespace ferry::onnx
