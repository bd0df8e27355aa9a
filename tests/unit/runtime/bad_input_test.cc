// Issue 3, item 7 (bad input): models whose shapes do not infer, inputs of the wrong rank or
// dtype, shapes whose element count overflows or passes the memory cap, and NaN/Inf flowing
// through ops as the ONNX spec (and numpy, its reference) says. Each is a clear error or the
// specified value, never a crash.
#include <cmath>
#include <limits>

#include "op_test_util.h"

namespace ferry::onnx {
namespace {

using testing::Floats;
using testing::GraphBuilder;

constexpr float kNaN = std::numeric_limits<float>::quiet_NaN();
constexpr float kInf = std::numeric_limits<float>::infinity();

ir::ValueInfo FloatInfo(std::vector<int64_t> dims) {
  ir::ValueInfo vi;
  vi.dtype = DataType::kFloat32;
  vi.shape.emplace();
  for (int64_t d : dims) vi.shape->push_back(ir::Dim::Known(d));
  return vi;
}

// x[2,3] @ W[4,5]: inner dims disagree.
std::shared_ptr<ir::Graph> MismatchedMatMul() {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", FloatInfo({2, 3}));
  g->inputs().push_back(x);
  ir::Value* w = g->AddConstant("W", Tensor::Zeros(DataType::kFloat32, Shape{4, 5}));
  g->outputs().push_back(g->AddNode("MatMul", "", "mm_1", {x, w}, {"y"})->output(0));
  g->outputs()[0]->info() = FloatInfo({2, 5});
  return g;
}

// onnx's shape inference (InferShapes) is not strict and lets this pass; the runtime needs no
// inference and reports the mismatch at the node when it runs.
TEST(BadInputTest, ShapesThatDoNotInferAreAnErrorNamingTheNode) {
  auto g = MismatchedMatMul();
  auto session = runtime::Session::Create(g, OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto y = (*session)->Run({Tensor::Zeros(DataType::kFloat32, Shape{2, 3})});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("MatMul 'mm_1'"), std::string::npos) << y.status().ToString();
}

TEST(BadInputTest, WrongRankOrDtypeOfAnInputIsAnErrorNamingTheInput) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", FloatInfo({2, 3}));
  g->inputs().push_back(x);
  g->outputs().push_back(g->AddNode("Relu", "", "relu", {x}, {"y"})->output(0));
  auto session = runtime::Session::Create(g, OnnxOpSet());
  ASSERT_TRUE(session.ok()) << session.status().ToString();
  auto rank = (*session)->Run({Tensor::Zeros(DataType::kFloat32, Shape{6})});
  ASSERT_FALSE(rank.ok());
  EXPECT_NE(rank.status().message().find("input 'x': shape [6] has rank 1, expected [2,3]"),
            std::string::npos)
      << rank.status().ToString();
  auto dtype = (*session)->Run({Tensor::Zeros(DataType::kInt32, Shape{2, 3})});
  ASSERT_FALSE(dtype.ok());
  EXPECT_NE(dtype.status().message().find("input 'x': dtype int32, expected float32"),
            std::string::npos)
      << dtype.status().ToString();
  auto count = (*session)->Run(std::vector<Tensor>{});
  ASSERT_FALSE(count.ok());
  EXPECT_NE(count.status().message().find("takes 1 inputs, got 0"), std::string::npos)
      << count.status().ToString();
}

// Each op computes an output shape from input values; a shape whose element count overflows
// int64, or whose bytes pass Tensor::kMaxBytes, is refused before anything is allocated.
TEST(BadInputTest, HugeShapesAreRefusedBeforeAllocating) {
  const int64_t big = int64_t{1} << 40;
  struct Case {
    std::string op;
    std::vector<Tensor> inputs;
    std::string want;  // in the message
  };
  const std::vector<Case> cases = {
      // 2^40 * 2^40 elements: the count overflows int64.
      {"ConstantOfShape", {Tensor::FromVector<int64_t>({big, big}, Shape{2})}, "overflows int64"},
      // 2^40 floats: 4 TiB, past the cap.
      {"ConstantOfShape", {Tensor::FromVector<int64_t>({big}, Shape{1})}, "memory cap"},
      {"Expand",
       {Tensor::Scalar(1.0f), Tensor::FromVector<int64_t>({big, big, big}, Shape{3})},
       "overflows int64"},
      {"Tile",
       {Tensor::FromVector<float>({1, 2}, Shape{2}), Tensor::FromVector<int64_t>({big}, Shape{1})},
       "memory cap"},
      {"Range",
       {Tensor::Scalar<int64_t>(0), Tensor::Scalar<int64_t>(std::numeric_limits<int64_t>::max()),
        Tensor::Scalar<int64_t>(1)},
       "overflows int64"},
      {"Range", {Tensor::Scalar(0.0f), Tensor::Scalar(1e12f), Tensor::Scalar(1.0f)},
       "memory cap"},
  };
  for (const Case& c : cases) {
    GraphBuilder b;
    std::vector<ir::Value*> ins;
    for (size_t i = 0; i < c.inputs.size(); ++i) ins.push_back(b.Input("in" + std::to_string(i)));
    b.Output(b.Node(c.op, "big", ins)->output(0));
    auto y = b.Run(c.inputs);
    ASSERT_FALSE(y.ok()) << c.op;
    EXPECT_NE(y.status().message().find(c.op + " 'big'"), std::string::npos)
        << y.status().ToString();
    EXPECT_NE(y.status().message().find(c.want), std::string::npos) << y.status().ToString();
  }
}

::testing::AssertionResult SameFloats(const std::vector<float>& got,
                                      const std::vector<float>& want) {
  if (got.size() != want.size()) return ::testing::AssertionFailure() << "sizes differ";
  for (size_t i = 0; i < got.size(); ++i) {
    const bool same = std::isnan(want[i]) ? std::isnan(got[i]) : got[i] == want[i];
    if (!same)
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << got[i] << ", want " << want[i];
  }
  return ::testing::AssertionSuccess();
}

StatusOr<Tensor> RunOne(const std::string& op, std::vector<Tensor> inputs,
                        const std::map<std::string, ir::Attribute>& attrs = {}) {
  GraphBuilder b;
  std::vector<ir::Value*> ins;
  for (size_t i = 0; i < inputs.size(); ++i) ins.push_back(b.Input("in" + std::to_string(i)));
  ir::Node* n = b.Node(op, "n", ins);
  for (const auto& [k, a] : attrs) n->set_attr(k, a);
  b.Output(n->output(0));
  FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> out, b.Run(inputs));
  return out[0];
}

// Relu(x) = max(0, x) with numpy's NaN propagation (onnx's reference, backend/test/case/node/
// relu.py, is np.clip(x, 0, np.inf), which keeps NaN).
TEST(BadInputTest, NanAndInfThroughRelu) {
  auto y = RunOne("Relu", {Tensor::FromVector<float>({kNaN, kInf, -kInf, -1, 2}, Shape{5})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(SameFloats(Floats(*y), {kNaN, kInf, 0, 0, 2}));
}

// IEEE arithmetic: inf + -inf and NaN + x are NaN, inf + x is inf.
TEST(BadInputTest, NanAndInfThroughAdd) {
  auto y = RunOne("Add", {Tensor::FromVector<float>({kInf, kNaN, kInf, 1}, Shape{4}),
                          Tensor::FromVector<float>({-kInf, 1, 1, -kInf}, Shape{4})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(SameFloats(Floats(*y), {kNaN, kNaN, kInf, -kInf}));
}

// Max and Min follow numpy's np.maximum / np.minimum (onnx's reference, reference/ops/
// op_max.py): NaN on either side gives NaN, whichever input holds it; infinities compare as
// numbers (a plain `u > v ? u : v` would drop a NaN on the left: Max(NaN, 1) = 1).
TEST(BadInputTest, NanAndInfThroughMaxAndMin) {
  const Tensor a = Tensor::FromVector<float>({kNaN, 1, kInf, -kInf, kNaN}, Shape{5});
  const Tensor b = Tensor::FromVector<float>({1, kNaN, 1, 1, kInf}, Shape{5});
  auto mx = RunOne("Max", {a, b});
  ASSERT_TRUE(mx.ok()) << mx.status().ToString();
  EXPECT_TRUE(SameFloats(Floats(*mx), {kNaN, kNaN, kInf, 1, kNaN}));
  auto mn = RunOne("Min", {a, b});
  ASSERT_TRUE(mn.ok()) << mn.status().ToString();
  EXPECT_TRUE(SameFloats(Floats(*mn), {kNaN, kNaN, 1, -kInf, kNaN}));
}

// Softmax(x) = exp(x - max) / sum: a row holding +inf or NaN is NaN throughout (inf - inf);
// -inf entries get probability 0 and leave the rest a proper distribution.
TEST(BadInputTest, NanAndInfThroughSoftmax) {
  auto y = RunOne("Softmax", {Tensor::FromVector<float>({-kInf, 0, 0,  //
                                                         kInf, 0, 1,   //
                                                         kNaN, 0, 1},
                                                        Shape{3, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  const std::vector<float> got = Floats(*y);
  EXPECT_TRUE(SameFloats({got[0], got[1], got[2]}, {0, 0.5f, 0.5f}));
  for (int i = 3; i < 9; ++i) EXPECT_TRUE(std::isnan(got[i])) << "element " << i << " " << got[i];
}

// MaxPool over a window: +inf wins, -inf loses to any number, and NaN is skipped: onnx's
// reference (backend/test/case/node/pool_op_common.py) pads with NaN and takes the max of the
// window's non-NaN values.
TEST(BadInputTest, NanAndInfThroughMaxPool) {
  auto y = RunOne("MaxPool",
                  {Tensor::FromVector<float>({1, kInf, -kInf, 2, kNaN, 3}, Shape{1, 1, 1, 6})},
                  {{"kernel_shape", ir::Attribute::Ints({1, 2})},
                   {"strides", ir::Attribute::Ints({1, 2})}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_TRUE(SameFloats(Floats(*y), {kInf, 2, 3}));
}

}  // namespace
}  // namespace ferry::onnx
