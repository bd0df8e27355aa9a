// Ops and dtype paths added for the conformance corpus: training optimizers, Cast to string,
// MeanVarianceNormalization, MaxUnpool, integer matmul/conv, ScatterElements reductions,
// MaxPool on uint8 and float16 Max. Expected values are worked out by hand from the formulas
// in onnx Operators.md.
#include <cmath>

#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;
using testing::Near;

StatusOr<std::vector<Tensor>> RunNode(GraphBuilder& b, const std::string& op,
                                      const std::vector<Tensor>& inputs, int num_outputs,
                                      const std::map<std::string, ir::Attribute>& attrs = {},
                                      const std::string& domain = "") {
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) ins.push_back(b.Input("in" + std::to_string(i)));
  std::vector<std::string> outs;
  for (int i = 0; i < num_outputs; ++i) outs.push_back("out" + std::to_string(i));
  ir::Node* n = b.graph().AddNode(op, domain, "n", ins, outs);
  for (const auto& [k, a] : attrs) n->set_attr(k, a);
  b.Outputs(n);
  return b.Run(inputs);
}

TEST(AddedOpsTest, AdagradOneStep) {
  GraphBuilder b;
  b.graph().opset_imports()["ai.onnx.preview.training"] = 1;
  // r = 0.1 / (1 + 0 * decay) = 0.1; g = 0 * x + 2 = 2; h_new = 0 + 4 = 4;
  // x_new = 1 - 0.1 * 2 / (2 + 1e-6)
  auto out = RunNode(b, "Adagrad",
                     {Tensor::Scalar(0.1f), Tensor::Scalar<int64_t>(0), Tensor::Scalar(1.0f),
                      Tensor::Scalar(2.0f), Tensor::Scalar(0.0f)},
                     2, {}, "ai.onnx.preview.training");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(Near(Floats((*out)[0]), {0.9f}));
  EXPECT_TRUE(Near(Floats((*out)[1]), {4.0f}));
}

TEST(AddedOpsTest, NesterovMomentumOneStep) {
  GraphBuilder b;
  b.graph().opset_imports()["ai.onnx.preview.training"] = 1;
  // T = 1 > 0: v_new = 0.5 * 1 + 0.25 * 2 = 1; x_new = 3 - 0.1 * (2 + 0.5 * 1) = 2.75
  auto out = RunNode(b, "Momentum",
                     {Tensor::Scalar(0.1f), Tensor::Scalar<int64_t>(1), Tensor::Scalar(3.0f),
                      Tensor::Scalar(2.0f), Tensor::Scalar(1.0f)},
                     2,
                     {{"alpha", ir::Attribute::Float(0.5f)},
                      {"beta", ir::Attribute::Float(0.25f)},
                      {"norm_coefficient", ir::Attribute::Float(0.0f)},
                      {"mode", ir::Attribute::String("nesterov")}},
                     "ai.onnx.preview.training");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(Near(Floats((*out)[0]), {2.75f}));
  EXPECT_TRUE(Near(Floats((*out)[1]), {1.0f}));
}

TEST(AddedOpsTest, CastToStringWritesNumbersAsNumpy) {
  GraphBuilder b;
  auto out = RunNode(
      b, "Cast",
      {Tensor::FromVector<float>({0.039187793f, 1.0f, -2.5f, 1e-5f, 1.5e20f, 100000.0f,
                                  std::nanf(""), -INFINITY},
                                 Shape{8})},
      1, {{"to", ir::Attribute::Int(8)}});  // TensorProto.STRING
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].strings(),
            (std::vector<std::string>{"0.039187793", "1.0", "-2.5", "1e-05", "1.5e+20",
                                      "100000.0", "nan", "-inf"}));
}

TEST(AddedOpsTest, MeanVarianceNormalizationOverAxes) {
  GraphBuilder b;
  // Over axis 1 of [[1, 3], [2, 6]]: means 2 and 4, std 1 and 2 -> [[-1, 1], [-1, 1]].
  auto out = RunNode(b, "MeanVarianceNormalization",
                     {Tensor::FromVector<float>({1, 3, 2, 6}, Shape{2, 2})}, 1,
                     {{"axes", ir::Attribute::Ints({1})}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_TRUE(Near(Floats((*out)[0]), {-1, 1, -1, 1}));
}

TEST(AddedOpsTest, MaxUnpoolScattersToIndicesAndKeepsCoordinatesInOutputShape) {
  const std::map<std::string, ir::Attribute> attrs = {
      {"kernel_shape", ir::Attribute::Ints({2, 2})}, {"strides", ir::Attribute::Ints({2, 2})}};
  const Tensor x = Tensor::FromVector<float>({5, 6}, Shape{1, 1, 1, 2});
  const Tensor idx = Tensor::FromVector<int64_t>({1, 6}, Shape{1, 1, 1, 2});
  GraphBuilder b;
  auto out = RunNode(b, "MaxUnpool", {x, idx}, 1, attrs);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].shape(), (Shape{1, 1, 2, 4}));
  EXPECT_EQ(Floats((*out)[0]), (std::vector<float>{0, 5, 0, 0, 0, 0, 6, 0}));
  // In a [3, 5] output the values keep their (row, column): (0, 1) and (1, 2).
  GraphBuilder b2;
  auto wide = RunNode(b2, "MaxUnpool",
                      {x, idx, Tensor::FromVector<int64_t>({1, 1, 3, 5}, Shape{4})}, 1, attrs);
  ASSERT_TRUE(wide.ok()) << wide.status().ToString();
  const std::vector<float> got = Floats((*wide)[0]);
  ASSERT_EQ(got.size(), 15u);
  EXPECT_EQ(got[1], 5);
  EXPECT_EQ(got[5 + 2], 6);
}

TEST(AddedOpsTest, QLinearMatMulRequantizesHalfToEven) {
  GraphBuilder b;
  // (A - 1) @ (B - 0) = [[1*1 + 2*2]] = 5; * 1 * 1 / 2 = 2.5 -> 2 (half to even), + 10.
  auto out = RunNode(b, "QLinearMatMul",
                     {Tensor::FromVector<uint8_t>({2, 3}, Shape{1, 2}), Tensor::Scalar(1.0f),
                      Tensor::Scalar<uint8_t>(1), Tensor::FromVector<uint8_t>({1, 2}, Shape{2, 1}),
                      Tensor::Scalar(1.0f), Tensor::Scalar<uint8_t>(0), Tensor::Scalar(2.0f),
                      Tensor::Scalar<uint8_t>(10)},
                     1);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ((*out)[0].dtype(), DataType::kUInt8);
  EXPECT_EQ((*out)[0].GetAsInt64(0), 12);
}

TEST(AddedOpsTest, ConvIntegerSubtractsZeroPoints) {
  GraphBuilder b;
  // x - 1 = [[0, 1], [2, 3]], w - 0 = ones(2x2): one output, 6.
  auto out = RunNode(b, "ConvInteger",
                     {Tensor::FromVector<uint8_t>({1, 2, 3, 4}, Shape{1, 1, 2, 2}),
                      Tensor::FromVector<uint8_t>({1, 1, 1, 1}, Shape{1, 1, 2, 2}),
                      Tensor::Scalar<uint8_t>(1)},
                     1);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ((*out)[0].dtype(), DataType::kInt32);
  EXPECT_EQ((*out)[0].shape(), (Shape{1, 1, 1, 1}));
  EXPECT_EQ((*out)[0].GetAsInt64(0), 6);
}

TEST(AddedOpsTest, ScatterElementsAddAccumulatesDuplicates) {
  GraphBuilder b(16);
  auto out = RunNode(b, "ScatterElements",
                     {Tensor::FromVector<float>({1, 2, 3}, Shape{3}),
                      Tensor::FromVector<int64_t>({1, 1, -1}, Shape{3}),
                      Tensor::FromVector<float>({10, 20, 30}, Shape{3})},
                     1, {{"reduction", ir::Attribute::String("add")}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Floats((*out)[0]), (std::vector<float>{1, 32, 33}));
}

TEST(AddedOpsTest, MaxPoolOnUint8) {
  GraphBuilder b;
  auto out = RunNode(b, "MaxPool", {Tensor::FromVector<uint8_t>({1, 200, 7, 255}, Shape{1, 1, 1, 4})},
                     1, {{"kernel_shape", ir::Attribute::Ints({1, 2})},
                         {"strides", ir::Attribute::Ints({1, 2})}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  ASSERT_EQ((*out)[0].dtype(), DataType::kUInt8);
  EXPECT_EQ((*out)[0].ToInt64Vector(), (std::vector<int64_t>{200, 255}));
}

TEST(AddedOpsTest, Float16MaxAndAdd) {
  auto half = [](std::vector<float> v) {
    Tensor t(DataType::kFloat16, Shape{static_cast<int64_t>(v.size())});
    for (size_t i = 0; i < v.size(); ++i) t.data<uint16_t>()[i] = FloatToHalf(v[i]);
    return t;
  };
  for (const char* op : {"Max", "Add"}) {
    GraphBuilder b;
    auto out = RunNode(b, op, {half({1, -2, 0.5f}), half({0.5f, 3, 0.25f})}, 1);
    ASSERT_TRUE(out.ok()) << out.status().ToString();
    ASSERT_EQ((*out)[0].dtype(), DataType::kFloat16);
    std::vector<float> got;
    for (int64_t i = 0; i < 3; ++i) got.push_back(HalfToFloat((*out)[0].data<uint16_t>()[i]));
    EXPECT_EQ(got, std::string(op) == "Max" ? (std::vector<float>{1, 3, 0.5f})
                                            : (std::vector<float>{1.5f, 1, 0.75f}));
  }
}

// Pool: unigram "a" (slot 0), bigrams "a b" (slot 1) and "b c" (slot 2). Row "a x b c":
// "a" once; "a b" only with one skipped item; "b c" adjacent. TFIDF multiplies by weights.
TEST(AddedOpsTest, TfIdfVectorizerCountsSkipGrams) {
  GraphBuilder b;
  Tensor x(DataType::kString, Shape{4});
  x.strings() = {"a", "x", "b", "c"};
  auto out = RunNode(b, "TfIdfVectorizer", {x}, 1,
                     {{"mode", ir::Attribute::String("TFIDF")},
                      {"min_gram_length", ir::Attribute::Int(1)},
                      {"max_gram_length", ir::Attribute::Int(2)},
                      {"max_skip_count", ir::Attribute::Int(1)},
                      {"ngram_counts", ir::Attribute::Ints({0, 1})},
                      {"ngram_indexes", ir::Attribute::Ints({0, 1, 2})},
                      {"weights", ir::Attribute::Floats({2, 3, 4})},
                      {"pool_strings", ir::Attribute::Strings({"a", "a", "b", "b", "c"})}});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(Floats((*out)[0]), (std::vector<float>{2, 3, 4}));
}

// The DFT of an impulse is flat; of a constant, an impulse at frequency 0. The inverse DFT of
// that impulse gives the constant back (1/n normalisation).
TEST(AddedOpsTest, DftOfImpulseAndConstant) {
  GraphBuilder b;
  auto out = RunNode(b, "DFT", {Tensor::FromVector<float>({1, 0, 0, 0, 2, 2, 2, 2}, Shape{2, 4, 1})},
                     1);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].shape(), (Shape{2, 4, 2}));
  EXPECT_TRUE(Near(Floats((*out)[0]), {1, 0, 1, 0, 1, 0, 1, 0,  //
                                       8, 0, 0, 0, 0, 0, 0, 0}));
  GraphBuilder inv;
  auto back = RunNode(inv, "DFT", {Tensor::FromVector<float>({8, 0, 0, 0, 0, 0, 0, 0}, Shape{1, 4, 2})},
                      1, {{"inverse", ir::Attribute::Int(1)}});
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(Near(Floats((*back)[0]), {2, 0, 2, 0, 2, 0, 2, 0}));
}

// Frames of 4 every 2 samples of [1, 1, 1, 1, 0, 0]: a constant frame, then [1, 1, 0, 0].
// Onesided: bins 0..2. Bin 1 of [1, 1, 0, 0] is 1 + e^{-i pi/2} = 1 - i.
TEST(AddedOpsTest, StftFrames) {
  GraphBuilder b;
  auto out = RunNode(b, "STFT",
                     {Tensor::FromVector<float>({1, 1, 1, 1, 0, 0}, Shape{1, 6, 1}),
                      Tensor::Scalar<int64_t>(2)},
                     1);
  ASSERT_FALSE(out.ok());  // without window or frame_length there is no frame length
  GraphBuilder b2;
  std::vector<ir::Value*> ins = {b2.Input("x"), b2.Input("step"), nullptr, b2.Input("len")};
  b2.Output(b2.Node("STFT", "stft", ins)->output(0));
  auto y = b2.Run({Tensor::FromVector<float>({1, 1, 1, 1, 0, 0}, Shape{1, 6, 1}),
                   Tensor::Scalar<int64_t>(2), Tensor::Scalar<int64_t>(4)});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 2, 3, 2}));
  EXPECT_TRUE(Near(Floats((*y)[0]), {4, 0, 0, 0, 0, 0,  //
                                     2, 0, 1, -1, 0, 0}));
}

}  // namespace
}  // namespace ferry::onnx
