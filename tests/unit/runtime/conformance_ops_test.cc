// Ops added for ONNX backend-test conformance: the extra reductions, Mod/BitShift, the logical
// ops, inverse trigonometry, Celu and Shrink, checked against hand computations.
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::Near;

Tensor F(std::vector<float> v, Shape s) { return Tensor::FromVector(v, std::move(s)); }

// Runs a one-node graph `op` over `inputs` (graph inputs x0, x1, ...) and returns output 0.
StatusOr<Tensor> RunOne(const std::string& op, std::vector<Tensor> inputs,
                        std::vector<std::pair<std::string, ir::Attribute>> attrs = {},
                        int64_t opset = 17) {
  GraphBuilder b(opset);
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) ins.push_back(b.Input("x" + std::to_string(i)));
  ir::Node* n = b.Node(op, "n", ins);
  for (auto& [k, v] : attrs) n->set_attr(k, v);
  b.Output(n->output(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> y, b.Run(inputs));
  return y[0];
}

TEST(ConformanceOpsTest, NormAndLogReductions) {
  const Tensor x = F({1, -2, 3, -4, 0.5f, 2}, Shape{2, 3});
  const std::vector<std::pair<std::string, ir::Attribute>> ax = {
      {"axes", ir::Attribute::Ints({1})}, {"keepdims", ir::Attribute::Int(0)}};
  auto l1 = RunOne("ReduceL1", {x}, ax);
  ASSERT_TRUE(l1.ok()) << l1.status().ToString();
  EXPECT_TRUE(Near(Floats(*l1), {6, 6.5f})) << "ReduceL1 sums |x| per row";
  auto l2 = RunOne("ReduceL2", {x}, ax);
  ASSERT_TRUE(l2.ok()) << l2.status().ToString();
  EXPECT_TRUE(Near(Floats(*l2), {std::sqrt(14.0f), std::sqrt(20.25f)})) << "ReduceL2";
  auto ss = RunOne("ReduceSumSquare", {x}, ax);
  ASSERT_TRUE(ss.ok()) << ss.status().ToString();
  EXPECT_TRUE(Near(Floats(*ss), {14, 20.25f})) << "ReduceSumSquare";
  auto lse = RunOne("ReduceLogSumExp", {x}, ax);
  ASSERT_TRUE(lse.ok()) << lse.status().ToString();
  EXPECT_TRUE(Near(Floats(*lse), {std::log(std::exp(1.0f) + std::exp(-2.0f) + std::exp(3.0f)),
                                  std::log(std::exp(-4.0f) + std::exp(0.5f) + std::exp(2.0f))}))
      << "ReduceLogSumExp";
  auto ls = RunOne("ReduceLogSum", {F({1, 2, 3, 4}, Shape{4})});
  ASSERT_TRUE(ls.ok()) << ls.status().ToString();
  EXPECT_EQ(ls->shape(), Shape({1})) << "keepdims defaults to 1";
  EXPECT_TRUE(Near(Floats(*ls), {std::log(10.0f)})) << "ReduceLogSum";
}

TEST(ConformanceOpsTest, ModFollowsDivisorSignUnlessFmod) {
  const Tensor a = Tensor::FromVector(std::vector<int32_t>{7, -7, 7, -7}, Shape{4});
  const Tensor b = Tensor::FromVector(std::vector<int32_t>{3, 3, -3, -3}, Shape{4});
  auto m = RunOne("Mod", {a, b});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->ToInt64Vector(), (std::vector<int64_t>{1, 2, -2, -1})) << "Mod (Python %)";
  auto f = RunOne("Mod", {F({7, -7, 5.5f}, Shape{3}), F({3, 3, -2}, Shape{3})},
                  {{"fmod", ir::Attribute::Int(1)}});
  ASSERT_TRUE(f.ok()) << f.status().ToString();
  EXPECT_TRUE(Near(Floats(*f), {1, -1, 1.5f})) << "Mod fmod=1 keeps the dividend's sign";
}

TEST(ConformanceOpsTest, BitShiftDirections) {
  const Tensor a = Tensor::FromVector(std::vector<uint8_t>{16, 4, 1}, Shape{3});
  const Tensor b = Tensor::FromVector(std::vector<uint8_t>{1, 2, 3}, Shape{3});
  auto r = RunOne("BitShift", {a, b}, {{"direction", ir::Attribute::String("RIGHT")}});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->ToInt64Vector(), (std::vector<int64_t>{8, 1, 0})) << "BitShift RIGHT";
  auto l = RunOne("BitShift", {a, b}, {{"direction", ir::Attribute::String("LEFT")}});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(l->ToInt64Vector(), (std::vector<int64_t>{32, 16, 8})) << "BitShift LEFT";
  auto bad = RunOne("BitShift", {a, b}, {{"direction", ir::Attribute::String("UP")}});
  EXPECT_FALSE(bad.ok()) << "BitShift must reject an unknown direction";
}

TEST(ConformanceOpsTest, LogicalOpsBroadcast) {
  const Tensor a = Tensor::FromVector(std::vector<bool>{true, false, true, false}, Shape{2, 2});
  const Tensor b = Tensor::FromVector(std::vector<bool>{true, false}, Shape{2});
  const std::vector<std::pair<std::string, std::vector<int64_t>>> cases = {
      {"And", {1, 0, 1, 0}}, {"Or", {1, 0, 1, 0}}, {"Xor", {0, 0, 0, 0}}};
  for (const auto& [op, want] : cases) {
    auto y = RunOne(op, {a, b});
    ASSERT_TRUE(y.ok()) << op << ": " << y.status().ToString();
    EXPECT_EQ(y->dtype(), DataType::kBool) << op;
    EXPECT_EQ(y->ToInt64Vector(), want) << op << " with broadcasting";
  }
  auto le = RunOne("LessOrEqual", {F({1, 2, 3}, Shape{3}), F({2}, Shape{1})});
  ASSERT_TRUE(le.ok()) << le.status().ToString();
  EXPECT_EQ(le->ToInt64Vector(), (std::vector<int64_t>{1, 1, 0})) << "LessOrEqual";
}

TEST(ConformanceOpsTest, TrigonometryCeluShrink) {
  const Tensor x = F({-0.5f, 0.0f, 0.5f}, Shape{3});
  auto acos = RunOne("Acos", {x});
  ASSERT_TRUE(acos.ok()) << acos.status().ToString();
  EXPECT_TRUE(Near(Floats(*acos), {std::acos(-0.5f), std::acos(0.0f), std::acos(0.5f)}))
      << "Acos";
  auto atanh = RunOne("Atanh", {x});
  ASSERT_TRUE(atanh.ok()) << atanh.status().ToString();
  EXPECT_TRUE(Near(Floats(*atanh), {std::atanh(-0.5f), 0.0f, std::atanh(0.5f)})) << "Atanh";
  auto celu = RunOne("Celu", {x}, {{"alpha", ir::Attribute::Float(2.0f)}});
  ASSERT_TRUE(celu.ok()) << celu.status().ToString();
  EXPECT_TRUE(Near(Floats(*celu), {2.0f * (std::exp(-0.25f) - 1.0f), 0.0f, 0.5f})) << "Celu";
  auto shrink = RunOne("Shrink", {F({-2, -0.3f, 0.3f, 2}, Shape{4})},
                       {{"lambd", ir::Attribute::Float(1.0f)}, {"bias", ir::Attribute::Float(0.5f)}});
  ASSERT_TRUE(shrink.ok()) << shrink.status().ToString();
  EXPECT_TRUE(Near(Floats(*shrink), {-1.5f, 0, 0, 1.5f})) << "Shrink";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(ConformanceOpsTest, NllLossWeightedMeanAndIgnoreIndex) {
  // logp [N=2, C=3], targets {2, 0}, weights {1, 2, 3}: mean = (3*0.3 + 1*0.5) / (3 + 1).
  const Tensor logp = F({-0.1f, -0.2f, -0.3f, -0.5f, -0.6f, -0.7f}, Shape{2, 3});
  const Tensor t = Tensor::FromVector(std::vector<int64_t>{2, 0}, Shape{2});
  const Tensor w = F({1, 2, 3}, Shape{3});
  auto mean = RunOne("NegativeLogLikelihoodLoss", {logp, t, w});
  ASSERT_TRUE(mean.ok()) << mean.status().ToString();
  EXPECT_EQ(mean->shape(), Shape()) << "mean reduction gives a scalar";
  EXPECT_TRUE(Near(Floats(*mean), {(0.9f + 0.5f) / 4.0f})) << "weighted mean";
  auto none = RunOne("NegativeLogLikelihoodLoss", {logp, t},
                     {{"reduction", ir::Attribute::String("none")},
                      {"ignore_index", ir::Attribute::Int(0)}});
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_TRUE(Near(Floats(*none), {0.3f, 0.0f})) << "ignored target contributes 0";
  const Tensor bad = Tensor::FromVector(std::vector<int64_t>{3, 0}, Shape{2});
  EXPECT_FALSE(RunOne("NegativeLogLikelihoodLoss", {logp, bad}).ok())
      << "a target outside [0, C) must be an error, not a read past the row";
}

TEST(ConformanceOpsTest, SoftmaxCrossEntropySumsLogSoftmax) {
  const Tensor x = F({1, 2, 3, 0, 0, 0}, Shape{2, 3});
  const Tensor t = Tensor::FromVector(std::vector<int32_t>{2, 1}, Shape{2});
  auto y = RunOne("SoftmaxCrossEntropyLoss", {x, t}, {{"reduction", ir::Attribute::String("sum")}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  const float lse0 = std::log(std::exp(1.0f) + std::exp(2.0f) + std::exp(3.0f));
  EXPECT_TRUE(Near(Floats(*y), {(lse0 - 3.0f) + std::log(3.0f)})) << "sum of -log_softmax";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(ConformanceOpsTest, GatherAndScatterElements) {
  const Tensor x = F({1, 2, 3, 4}, Shape{2, 2});
  const Tensor idx = Tensor::FromVector(std::vector<int64_t>{0, 0, 1, -2}, Shape{2, 2});
  auto g = RunOne("GatherElements", {x, idx}, {{"axis", ir::Attribute::Int(1)}});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(Near(Floats(*g), {1, 1, 4, 3})) << "GatherElements axis 1 (torch.gather)";
  const Tensor bad = Tensor::FromVector(std::vector<int64_t>{0, 2, 0, 0}, Shape{2, 2});
  EXPECT_FALSE(RunOne("GatherElements", {x, bad}, {{"axis", ir::Attribute::Int(1)}}).ok())
      << "GatherElements must reject an out-of-range index";
  const Tensor si = Tensor::FromVector(std::vector<int64_t>{1, 0}, Shape{1, 2});
  auto s = RunOne("ScatterElements", {x, si, F({9, 8}, Shape{1, 2})});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(Near(Floats(*s), {1, 8, 9, 4})) << "ScatterElements axis 0";
}

TEST(ConformanceOpsTest, TriluUpperLowerWithK) {
  const Tensor x = F({1, 2, 3, 4, 5, 6}, Shape{2, 3});
  auto up = RunOne("Trilu", {x});
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_TRUE(Near(Floats(*up), {1, 2, 3, 0, 5, 6})) << "Trilu upper k=0";
  const Tensor k = Tensor::FromVector(std::vector<int64_t>{-1}, Shape{});
  auto lo = RunOne("Trilu", {x, k}, {{"upper", ir::Attribute::Int(0)}});
  ASSERT_TRUE(lo.ok()) << lo.status().ToString();
  EXPECT_TRUE(Near(Floats(*lo), {0, 0, 0, 4, 0, 0})) << "Trilu lower k=-1";
}

TEST(ConformanceOpsTest, CastLikeTakesInputOnesType) {
  auto y = RunOne("CastLike", {F({1.7f, -2.2f}, Shape{2}),
                               Tensor::FromVector(std::vector<int32_t>{0}, Shape{1})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->dtype(), DataType::kInt32) << "CastLike output dtype";
  EXPECT_EQ(y->ToInt64Vector(), (std::vector<int64_t>{1, -2})) << "CastLike truncates";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(ConformanceOpsTest, ResizeLinearAlignCornersAndUpsampleNearest) {
  const Tensor x = F({1, 2, 3}, Shape{1, 3});
  const Tensor none = F({}, Shape{0});
  const Tensor sizes = Tensor::FromVector(std::vector<int64_t>{1, 5}, Shape{2});
  auto y = RunOne("Resize", {x, none, none, sizes},
                  {{"mode", ir::Attribute::String("linear")},
                   {"coordinate_transformation_mode", ir::Attribute::String("align_corners")}},
                  13);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->shape(), Shape({1, 5})) << "Resize output follows sizes";
  EXPECT_TRUE(Near(Floats(*y), {1, 1.5f, 2, 2.5f, 3})) << "Resize linear align_corners";
  auto half = RunOne("Resize", {F({1, 2}, Shape{2}), none, F({2}, Shape{1})},
                     {{"mode", ir::Attribute::String("linear")}}, 13);
  ASSERT_TRUE(half.ok()) << half.status().ToString();
  // half_pixel: source coordinates -0.25, 0.25, 0.75, 1.25, clamped at the edges.
  EXPECT_TRUE(Near(Floats(*half), {1, 1.25f, 1.75f, 2})) << "Resize linear half_pixel";
  auto up = RunOne("Upsample", {F({1, 2}, Shape{1, 2}), F({1, 3}, Shape{2})}, {}, 9);
  ASSERT_TRUE(up.ok()) << up.status().ToString();
  EXPECT_TRUE(Near(Floats(*up), {1, 1, 1, 2, 2, 2})) << "Upsample nearest repeats";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(ConformanceOpsTest, ConvTransposeStridesAndOutputShape) {
  const Tensor x = F({1, 2}, Shape{1, 1, 2});
  const Tensor w = F({1, 1, 1}, Shape{1, 1, 3});
  auto y = RunOne("ConvTranspose", {x, w}, {{"strides", ir::Attribute::Ints({2})}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(y->shape(), Shape({1, 1, 5})) << "2 * (2 - 1) + 3";
  EXPECT_TRUE(Near(Floats(*y), {1, 1, 3, 2, 2})) << "ConvTranspose stride 2";
  auto s = RunOne("ConvTranspose", {x, w},
                  {{"strides", ir::Attribute::Ints({2})}, {"output_shape", ir::Attribute::Ints({4})}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  // total padding 1 goes at the beginning (not SAME_UPPER).
  EXPECT_TRUE(Near(Floats(*s), {1, 3, 2, 2})) << "ConvTranspose output_shape";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(ConformanceOpsTest, ThreeDimensionalPoolsAndConv) {
  std::vector<float> v(8);
  for (int i = 0; i < 8; ++i) v[i] = static_cast<float>(i);
  const Tensor x = F(v, Shape{1, 1, 2, 2, 2});
  auto mx = RunOne("MaxPool", {x}, {{"kernel_shape", ir::Attribute::Ints({2, 2, 2})}});
  ASSERT_TRUE(mx.ok()) << mx.status().ToString();
  EXPECT_EQ(mx->shape(), Shape({1, 1, 1, 1, 1})) << "MaxPool 3-D shape";
  EXPECT_TRUE(Near(Floats(*mx), {7})) << "MaxPool 3-D";
  // Pads of 1 at the end of W: windows over W are {0, 1} and {1, pad}.
  auto avg = RunOne("AveragePool", {x},
                    {{"kernel_shape", ir::Attribute::Ints({2, 2, 2})},
                     {"strides", ir::Attribute::Ints({1, 1, 1})},
                     {"pads", ir::Attribute::Ints({0, 0, 0, 0, 0, 1})}});
  ASSERT_TRUE(avg.ok()) << avg.status().ToString();
  EXPECT_TRUE(Near(Floats(*avg), {3.5f, (1 + 3 + 5 + 7) / 4.0f}))
      << "AveragePool 3-D excludes pads from the count";
  auto conv = RunOne("Conv", {x, F(std::vector<float>(8, 1.0f), Shape{1, 1, 2, 2, 2})});
  ASSERT_TRUE(conv.ok()) << conv.status().ToString();
  EXPECT_TRUE(Near(Floats(*conv), {28})) << "Conv 3-D sums the window";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(ConformanceOpsTest, CastFromStringParsesNumbers) {
  Tensor x(DataType::kString, Shape{3});
  x.strings() = {"1.5", "-INF", "1e-2"};
  auto y = RunOne("Cast", {x}, {{"to", ir::Attribute::Type(DataType::kFloat32)}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(Floats(*y)[1], -INFINITY) << "-INF parses as negative infinity";
  EXPECT_TRUE(Near({Floats(*y)[0], Floats(*y)[2]}, {1.5f, 0.01f})) << "Cast string to float";
  x.strings()[0] = "abc";
  EXPECT_FALSE(RunOne("Cast", {x}, {{"to", ir::Attribute::Type(DataType::kFloat32)}}).ok())
      << "a non-number must be an error";
}

}  // namespace
}  // namespace ferry::onnx
