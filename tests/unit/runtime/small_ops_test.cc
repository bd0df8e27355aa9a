// Hardmax, CumSum, TopK, InstanceNormalization, QuantizeLinear and DequantizeLinear against
// hand computations.
#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::Near;

Tensor F(std::vector<float> v, Shape s) { return Tensor::FromVector(v, std::move(s)); }

StatusOr<std::vector<Tensor>> RunNode(const std::string& op, std::vector<Tensor> inputs,
                                      std::vector<std::pair<std::string, ir::Attribute>> attrs,
                                      int num_outputs = 1, int64_t opset = 17) {
  GraphBuilder b(opset);
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) ins.push_back(b.Input("x" + std::to_string(i)));
  ir::Node* n = b.Node(op, "n", ins, num_outputs);
  for (auto& [k, v] : attrs) n->set_attr(k, v);
  b.Outputs(n);
  return b.Run(inputs);
}

TEST(SmallOpsTest, HardmaxPicksFirstMaximum) {
  auto y = RunNode("Hardmax", {F({1, 3, 3, 0, 2, 1}, Shape{2, 3})}, {});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {0, 1, 0, 0, 1, 0})) << "Hardmax ties go to the first";
}

TEST(SmallOpsTest, CumSumExclusiveReverse) {
  const Tensor x = F({1, 2, 3, 4}, Shape{4});
  const Tensor axis = Tensor::FromVector(std::vector<int64_t>{0}, Shape{});
  auto plain = RunNode("CumSum", {x, axis}, {});
  ASSERT_TRUE(plain.ok()) << plain.status().ToString();
  EXPECT_TRUE(Near(Floats((*plain)[0]), {1, 3, 6, 10})) << "CumSum";
  auto er = RunNode("CumSum", {x, axis},
                    {{"exclusive", ir::Attribute::Int(1)}, {"reverse", ir::Attribute::Int(1)}});
  ASSERT_TRUE(er.ok()) << er.status().ToString();
  EXPECT_TRUE(Near(Floats((*er)[0]), {9, 7, 4, 0})) << "CumSum exclusive reverse";
}

TEST(SmallOpsTest, TopKLargestAndSmallest) {
  const Tensor x = F({1, 5, 3, 5, 0, 2}, Shape{2, 3});
  const Tensor k = Tensor::FromVector(std::vector<int64_t>{2}, Shape{1});
  auto y = RunNode("TopK", {x, k}, {}, 2);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {5, 3, 5, 2})) << "TopK values";
  EXPECT_EQ((*y)[1].ToInt64Vector(), (std::vector<int64_t>{1, 2, 0, 2})) << "TopK indices";
  auto s = RunNode("TopK", {x, k}, {{"largest", ir::Attribute::Int(0)}}, 2);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(Near(Floats((*s)[0]), {1, 3, 0, 2})) << "TopK smallest";
  const Tensor big = Tensor::FromVector(std::vector<int64_t>{4}, Shape{1});
  EXPECT_FALSE(RunNode("TopK", {x, big}, {}, 2).ok()) << "k past the axis must be an error";
}

TEST(SmallOpsTest, InstanceNormalizationPerPlane) {
  auto y = RunNode("InstanceNormalization",
                   {F({1, 3, 2, 2}, Shape{1, 2, 2}), F({1, 2}, Shape{2}), F({0, 1}, Shape{2})},
                   {});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  // Plane 0: mean 2, variance 1; plane 1 is constant: (x - mean) = 0, so bias (epsilon 1e-5
  // keeps the division finite).
  EXPECT_TRUE(Near(Floats((*y)[0]), {-1, 1, 1, 1}, 1e-4f)) << "InstanceNormalization";
}

TEST(SmallOpsTest, QuantizeRoundsHalfToEvenAndSaturates) {
  const Tensor x = F({0.5f, 1.5f, 2.5f, 300, -10}, Shape{5});
  auto q = RunNode("QuantizeLinear", {x, F({1}, Shape{}),
                                      Tensor::FromVector(std::vector<uint8_t>{1}, Shape{})}, {});
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  EXPECT_EQ((*q)[0].dtype(), DataType::kUInt8);
  EXPECT_EQ((*q)[0].ToInt64Vector(), (std::vector<int64_t>{1, 3, 3, 255, 0}))
      << "round half to even, then + zero point, saturated";
  auto d = RunNode("DequantizeLinear",
                   {Tensor::FromVector(std::vector<int8_t>{-128, 0, 10, 20}, Shape{2, 2}),
                    F({0.5f, 2}, Shape{2}), Tensor::FromVector(std::vector<int8_t>{0, 10}, Shape{2})},
                   {{"axis", ir::Attribute::Int(1)}});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(Near(Floats((*d)[0]), {-64, -20, 5, 20})) << "per-axis DequantizeLinear";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(IndexOpsTest, GatherNDScatterNDCompress) {
  const Tensor x = F({1, 2, 3, 4}, Shape{2, 2});
  auto g = RunNode("GatherND", {x, Tensor::FromVector(std::vector<int64_t>{1, 0, 0, 1}, Shape{2, 2})},
                   {});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(Near(Floats((*g)[0]), {3, 2})) << "GatherND element tuples";
  auto s = RunNode("ScatterND", {x, Tensor::FromVector(std::vector<int64_t>{1}, Shape{1, 1}),
                                 F({9, 8}, Shape{1, 2})},
                   {{"reduction", ir::Attribute::String("add")}});
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(Near(Floats((*s)[0]), {1, 2, 12, 12})) << "ScatterND row add";
  auto c = RunNode("Compress", {x, Tensor::FromVector(std::vector<bool>{false, true}, Shape{2})},
                   {{"axis", ir::Attribute::Int(1)}});
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)[0].shape(), Shape({2, 1})) << "Compress keeps one column";
  EXPECT_TRUE(Near(Floats((*c)[0]), {2, 4})) << "Compress axis 1";
}

TEST(IndexOpsTest, OneHotEyeLikeNonZeroDepthToSpace) {
  auto oh = RunNode("OneHot", {Tensor::FromVector(std::vector<int64_t>{0, -1}, Shape{2}),
                               F({3}, Shape{}), F({0, 5}, Shape{2})},
                    {});
  ASSERT_TRUE(oh.ok()) << oh.status().ToString();
  EXPECT_TRUE(Near(Floats((*oh)[0]), {5, 0, 0, 0, 0, 5})) << "OneHot, negative from depth";
  auto eye = RunNode("EyeLike", {F({0, 0, 0, 0, 0, 0}, Shape{2, 3})}, {{"k", ir::Attribute::Int(1)}});
  ASSERT_TRUE(eye.ok()) << eye.status().ToString();
  EXPECT_TRUE(Near(Floats((*eye)[0]), {0, 1, 0, 0, 0, 1})) << "EyeLike k=1";
  auto nz = RunNode("NonZero", {F({0, 1, 2, 0}, Shape{2, 2})}, {});
  ASSERT_TRUE(nz.ok()) << nz.status().ToString();
  EXPECT_EQ((*nz)[0].ToInt64Vector(), (std::vector<int64_t>{0, 1, 1, 0})) << "NonZero coords";
  auto d2s = RunNode("DepthToSpace", {F({1, 2, 3, 4}, Shape{1, 4, 1, 1})},
                     {{"blocksize", ir::Attribute::Int(2)}});
  ASSERT_TRUE(d2s.ok()) << d2s.status().ToString();
  EXPECT_EQ((*d2s)[0].shape(), Shape({1, 1, 2, 2})) << "DepthToSpace shape";
  EXPECT_TRUE(Near(Floats((*d2s)[0]), {1, 2, 3, 4})) << "DepthToSpace DCR";
  auto inf = RunNode("IsInf", {F({1, INFINITY, -INFINITY, NAN}, Shape{4})},
                     {{"detect_negative", ir::Attribute::Int(0)}});
  ASSERT_TRUE(inf.ok()) << inf.status().ToString();
  EXPECT_EQ((*inf)[0].ToInt64Vector(), (std::vector<int64_t>{0, 1, 0, 0})) << "IsInf positive";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(WindowOpsTest, HannHammingBlackmanPeriodicAndSymmetric) {
  const Tensor four = Tensor::FromVector(std::vector<int64_t>{4}, Shape{});
  auto hann = RunNode("HannWindow", {four}, {});
  ASSERT_TRUE(hann.ok()) << hann.status().ToString();
  EXPECT_TRUE(Near(Floats((*hann)[0]), {0, 0.5f, 1, 0.5f})) << "periodic Hann, N = 4";
  auto sym = RunNode("HannWindow", {four}, {{"periodic", ir::Attribute::Int(0)}});
  ASSERT_TRUE(sym.ok()) << sym.status().ToString();
  EXPECT_TRUE(Near(Floats((*sym)[0]), {0, 0.75f, 0.75f, 0})) << "symmetric Hann, N = 3";
  auto ham = RunNode("HammingWindow", {four}, {});
  ASSERT_TRUE(ham.ok()) << ham.status().ToString();
  EXPECT_TRUE(Near(Floats((*ham)[0]), {4.0f / 46, 25.0f / 46, 1, 25.0f / 46})) << "Hamming";
  auto bl = RunNode("BlackmanWindow", {four}, {});
  ASSERT_TRUE(bl.ok()) << bl.status().ToString();
  EXPECT_TRUE(Near(Floats((*bl)[0]), {0, 0.34f, 1, 0.34f})) << "Blackman";
}

TEST(WindowOpsTest, DropoutTrainingWithZeroRatioIsIdentity) {
  const Tensor x = F({1, 2}, Shape{2});
  const Tensor on = Tensor::FromVector(std::vector<bool>{true}, Shape{});
  auto y = RunNode("Dropout", {x, F({0}, Shape{}), on}, {}, 2);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {1, 2})) << "ratio 0 keeps everything";
  EXPECT_EQ((*y)[1].ToInt64Vector(), (std::vector<int64_t>{1, 1})) << "mask all true";
  auto r = RunNode("Dropout", {x, F({0.5f}, Shape{}), on}, {}, 2);
  EXPECT_FALSE(r.ok()) << "a random mask is not supported and must say so";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(RecurrentOpsTest, RnnGruLstmSingleUnit) {
  const Tensor x = F({1, 1}, Shape{2, 1, 1});  // seq 2, batch 1, input 1
  auto rnn = RunNode("RNN", {x, F({0.5f}, Shape{1, 1, 1}), F({0.5f}, Shape{1, 1, 1})},
                     {{"hidden_size", ir::Attribute::Int(1)}}, 2);
  ASSERT_TRUE(rnn.ok()) << rnn.status().ToString();
  const float h1 = std::tanh(0.5f), h2 = std::tanh(0.5f + 0.5f * h1);
  EXPECT_TRUE(Near(Floats((*rnn)[0]), {h1, h2})) << "RNN Y over both steps";
  EXPECT_TRUE(Near(Floats((*rnn)[1]), {h2})) << "RNN Y_h is the last state";
  // Zero weights: z = r = 0.5 and the candidate is tanh(0) = 0, so H halves each step.
  GraphBuilder b(14);
  ir::Value* xi = b.Input("x");
  ir::Node* gru = b.Node("GRU", "gru",
                         {xi, b.Const("w", F({0, 0, 0}, Shape{1, 3, 1})),
                          b.Const("r", F({0, 0, 0}, Shape{1, 3, 1})), nullptr, nullptr,
                          b.Const("h0", F({1}, Shape{1, 1, 1}))},
                         2);
  gru->set_attr("hidden_size", ir::Attribute::Int(1));
  b.Output(gru->output(1));
  auto g = b.Run({x});
  ASSERT_TRUE(g.ok()) << g.status().ToString();
  EXPECT_TRUE(Near(Floats((*g)[0]), {0.25f})) << "GRU with zero weights halves H";
  GraphBuilder lb(14);
  ir::Value* lx = lb.Input("x");
  ir::Node* lstm = lb.Node("LSTM", "lstm",
                           {lx, lb.Const("w", F({0, 0, 0, 0}, Shape{1, 4, 1})),
                            lb.Const("r", F({0, 0, 0, 0}, Shape{1, 4, 1})), nullptr, nullptr,
                            nullptr, lb.Const("c0", F({1}, Shape{1, 1, 1}))},
                           3);
  lstm->set_attr("hidden_size", ir::Attribute::Int(1));
  lb.Outputs(lstm);
  auto l = lb.Run({F({1}, Shape{1, 1, 1})});
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_TRUE(Near(Floats((*l)[2]), {0.5f})) << "LSTM C = f * C0 with f = 0.5";
  EXPECT_TRUE(Near(Floats((*l)[1]), {0.5f * std::tanh(0.5f)})) << "LSTM H = o * tanh(C)";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(DetectionOpsTest, NonMaxSuppressionSuppressesOverlaps) {
  // Box 1 overlaps box 0 with IoU 0.81 / 1.19 > 0.5; box 2 is far away.
  const Tensor boxes = F({0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 5, 1, 6}, Shape{1, 3, 4});
  const Tensor scores = F({0.9f, 0.95f, 0.5f}, Shape{1, 1, 3});
  auto y = RunNode("NonMaxSuppression",
                   {boxes, scores, Tensor::FromVector(std::vector<int64_t>{3}, Shape{1}),
                    F({0.5f}, Shape{1}), F({0.0f}, Shape{1})},
                   {});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].ToInt64Vector(), (std::vector<int64_t>{0, 0, 1, 0, 0, 2}))
      << "the best of the overlapping pair, then the far box";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(MiscOpsTest, LrnReverseSequenceDetDynamicQuantize) {
  // size 1: each channel normalised by itself: x / (1 + x^2)^0.5 with alpha 1, beta 0.5.
  auto lrn = RunNode("LRN", {F({1, 2}, Shape{1, 2, 1})},
                     {{"size", ir::Attribute::Int(1)}, {"alpha", ir::Attribute::Float(1.0f)},
                      {"beta", ir::Attribute::Float(0.5f)}});
  ASSERT_TRUE(lrn.ok()) << lrn.status().ToString();
  EXPECT_TRUE(Near(Floats((*lrn)[0]), {1 / std::sqrt(2.0f), 2 / std::sqrt(5.0f)})) << "LRN";
  // [time 3, batch 2]: batch 0 reverses 3 steps, batch 1 only 2.
  auto rs = RunNode("ReverseSequence",
                    {F({1, 10, 2, 20, 3, 30}, Shape{3, 2}),
                     Tensor::FromVector(std::vector<int64_t>{3, 2}, Shape{2})},
                    {});
  ASSERT_TRUE(rs.ok()) << rs.status().ToString();
  EXPECT_TRUE(Near(Floats((*rs)[0]), {3, 20, 2, 10, 1, 30})) << "ReverseSequence";
  auto det = RunNode("Det", {F({1, 2, 3, 4, 0, 1, 1, 0}, Shape{2, 2, 2})}, {});
  ASSERT_TRUE(det.ok()) << det.status().ToString();
  EXPECT_TRUE(Near(Floats((*det)[0]), {-2, -1})) << "Det with a row swap";
  auto dq = RunNode("DynamicQuantizeLinear", {F({-1, 0, 2.55f - 1}, Shape{3})}, {}, 3);
  ASSERT_TRUE(dq.ok()) << dq.status().ToString();
  // Range [-1, 1.55]: scale 0.01, zero point 100.
  EXPECT_TRUE(Near(Floats((*dq)[1]), {0.01f})) << "scale";
  EXPECT_EQ((*dq)[2].ToInt64Vector(), (std::vector<int64_t>{100})) << "zero point";
  EXPECT_EQ((*dq)[0].ToInt64Vector(), (std::vector<int64_t>{0, 100, 255})) << "quantised";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(MiscOpsTest, StringNormalizerStopwordsAndCase) {
  Tensor x(DataType::kString, Shape{1, 3});
  x.strings() = {"Monday", "tuesday", "MONDAY"};
  auto y = RunNode("StringNormalizer", {x},
                   {{"stopwords", ir::Attribute::Strings({"monday"})},
                    {"case_change_action", ir::Attribute::String("UPPER")}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), Shape({1, 1})) << "both Mondays removed case-insensitively";
  EXPECT_EQ((*y)[0].strings(), (std::vector<std::string>{"TUESDAY"})) << "upper-cased";
  auto cs = RunNode("StringNormalizer", {x},
                    {{"stopwords", ir::Attribute::Strings({"Monday", "tuesday", "MONDAY"})},
                     {"is_case_sensitive", ir::Attribute::Int(1)}});
  ASSERT_TRUE(cs.ok()) << cs.status().ToString();
  EXPECT_EQ((*cs)[0].strings(), (std::vector<std::string>{""})) << "empty result: one \"\"";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(MiscOpsTest, GridSampleBilinearNearestAndPadding) {
  const Tensor x = F({1, 2, 3, 4}, Shape{1, 1, 2, 2});
  // (0, 0) is the image centre; (-1, -1) with align_corners is the top-left pixel centre;
  // (1.5, 0) lies right of the image.
  const Tensor grid = F({0, 0, -1, -1, 3, 0}, Shape{1, 1, 3, 2});
  auto y = RunNode("GridSample", {x, grid}, {{"align_corners", ir::Attribute::Int(1)}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {2.5f, 1, 0})) << "bilinear with zeros padding";
  auto border = RunNode("GridSample", {x, grid},
                        {{"align_corners", ir::Attribute::Int(1)},
                         {"padding_mode", ir::Attribute::String("border")}});
  ASSERT_TRUE(border.ok()) << border.status().ToString();
  EXPECT_TRUE(Near(Floats((*border)[0]), {2.5f, 1, 3})) << "border clamps to the right edge";
  auto nearest = RunNode("GridSample", {x, F({0.9f, 0.9f}, Shape{1, 1, 1, 2})},
                         {{"mode", ir::Attribute::String("nearest")}});
  ASSERT_TRUE(nearest.ok()) << nearest.status().ToString();
  EXPECT_TRUE(Near(Floats((*nearest)[0]), {4})) << "nearest picks the bottom-right pixel";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(MiscOpsTest, EinsumMatmulDiagonalImplicitAndEllipsis) {
  const Tensor a = F({1, 2, 3, 4}, Shape{2, 2});
  const Tensor b = F({5, 6, 7, 8}, Shape{2, 2});
  auto mm = RunNode("Einsum", {a, b}, {{"equation", ir::Attribute::String("ij,jk->ik")}});
  ASSERT_TRUE(mm.ok()) << mm.status().ToString();
  EXPECT_TRUE(Near(Floats((*mm)[0]), {19, 22, 43, 50})) << "Einsum matmul";
  auto tr = RunNode("Einsum", {a}, {{"equation", ir::Attribute::String("ii")}});
  ASSERT_TRUE(tr.ok()) << tr.status().ToString();
  EXPECT_TRUE(Near(Floats((*tr)[0]), {5})) << "implicit 'ii' is the trace";
  auto t = RunNode("Einsum", {a}, {{"equation", ir::Attribute::String("ji")}});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_TRUE(Near(Floats((*t)[0]), {1, 3, 2, 4})) << "implicit output is alphabetical: transpose";
  auto d = RunNode("Einsum", {F({1, 2, 3, 4, 5, 6, 7, 8}, Shape{2, 2, 2})},
                   {{"equation", ir::Attribute::String("...ii->...i")}});
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_TRUE(Near(Floats((*d)[0]), {1, 4, 5, 8})) << "batch diagonal with ellipsis";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(MiscOpsTest, UniqueSortedAndByFirstOccurrence) {
  const Tensor x = F({2, 1, 1, 3, 4, 3}, Shape{6});
  auto s = RunNode("Unique", {x}, {}, 4);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(Near(Floats((*s)[0]), {1, 2, 3, 4})) << "sorted unique values";
  EXPECT_EQ((*s)[1].ToInt64Vector(), (std::vector<int64_t>{1, 0, 3, 4})) << "first occurrences";
  EXPECT_EQ((*s)[2].ToInt64Vector(), (std::vector<int64_t>{1, 0, 0, 2, 3, 2})) << "inverse";
  EXPECT_EQ((*s)[3].ToInt64Vector(), (std::vector<int64_t>{2, 1, 2, 1})) << "counts";
  auto u = RunNode("Unique", {x}, {{"sorted", ir::Attribute::Int(0)}});
  ASSERT_TRUE(u.ok()) << u.status().ToString();
  EXPECT_TRUE(Near(Floats((*u)[0]), {2, 1, 3, 4})) << "unsorted keeps first-occurrence order";
  auto rows = RunNode("Unique", {F({1, 0, 1, 0, 0, 1}, Shape{3, 2})},
                      {{"axis", ir::Attribute::Int(0)}});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  EXPECT_TRUE(Near(Floats((*rows)[0]), {0, 1, 1, 0})) << "unique rows, lexicographic";
}

}  // namespace
}  // namespace ferry::onnx

namespace ferry::onnx {
namespace {

TEST(MiscOpsTest, BatchNormalizationTrainingModeUsesBatchStatistics) {
  // One channel, values {1, 3}: batch mean 2, variance 1.
  auto y = RunNode("BatchNormalization",
                   {F({1, 3}, Shape{2, 1}), F({1}, Shape{1}), F({0}, Shape{1}), F({0}, Shape{1}),
                    F({1}, Shape{1})},
                   {{"training_mode", ir::Attribute::Int(1)},
                    {"epsilon", ir::Attribute::Float(0.0f)}},
                   3, 15);
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(Near(Floats((*y)[0]), {-1, 1})) << "normalised with the batch statistics";
  EXPECT_TRUE(Near(Floats((*y)[1]), {0.2f})) << "running mean 0 * 0.9 + 2 * 0.1";
  EXPECT_TRUE(Near(Floats((*y)[2]), {1.0f})) << "running var 1 * 0.9 + 1 * 0.1";
}

}  // namespace
}  // namespace ferry::onnx
