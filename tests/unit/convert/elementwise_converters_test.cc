// Converters added for the conformance convert stage: unary maths, attribute activations,
// comparisons, Where, Cast, Pow, variadic Max/Min/Sum/Mean and the reductions, each run
// against the ONNX runtime on seeded input, including 4-D inputs that live NHWC.
#include "convert_test_util.h"

namespace ferry::convert::testing {
namespace {

TEST(UnaryToTfTest, MathOpsMatchOnnx) {
  for (const char* op : {"Log", "Cos", "Sin", "Floor", "Ceil", "Round", "Reciprocal", "Sign",
                         "Erf", "Softplus", "Softsign"}) {
    OnnxGraph g;
    ir::Value* x = g.Input("x", {2, 3, 4, 5});
    // Log needs positive input; the others see both signs.
    ir::Value* in = std::string(op) == "Log" ? g.Op("Abs", "abs", {x}) : x;
    g.Output(g.Op("Relu", "relu", {g.Op(op, "op", {g.Op("Conv", "conv", {in, g.Random("w", {3, 3, 1, 1})})})}));
    SCOPED_TRACE(op);
    Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 5}, 7)}, 1e-4f);
    ASSERT_TRUE(c.tf);
    // Softsign is composed (TF.js has no Softsign op); the others map one to one.
    const bool composed = std::string(op) == "Softsign";
    EXPECT_EQ(CountOps(*c.tf, op), composed ? 0 : 1);
    if (composed) EXPECT_EQ(CountOps(*c.tf, "RealDiv"), 1);
    EXPECT_EQ(CountOps(*c.tf, "Transpose"), 2);  // the boundary only: the op runs NHWC
  }
}

TEST(ActivationToTfTest, AttributesAreHonoured) {
  struct Case {
    const char* op;
    std::vector<std::pair<std::string, Attr>> attrs;
    const char* tf_op;
  };
  const std::vector<Case> cases = {
      {"LeakyRelu", {{"alpha", Attr::Float(0.3f)}}, "LeakyRelu"},
      {"Elu", {}, "Elu"},
      {"Elu", {{"alpha", Attr::Float(2.f)}}, "Elu"},
      {"Selu", {}, "Selu"},
      {"Selu", {{"alpha", Attr::Float(2.f)}, {"gamma", Attr::Float(3.f)}}, "Elu"},
      {"HardSigmoid", {{"alpha", Attr::Float(0.5f)}, {"beta", Attr::Float(0.6f)}}, "ClipByValue"},
      {"ThresholdedRelu", {{"alpha", Attr::Float(0.2f)}}, "Greater"},
  };
  for (const Case& c : cases) {
    OnnxGraph g(14);
    ir::Value* x = g.Input("x", {2, 7});
    g.Output(g.Op(c.op, "act", {x}, c.attrs));
    SCOPED_TRACE(c.op);
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 7}, 3)});
    ASSERT_TRUE(r.tf);
    EXPECT_GE(CountOps(*r.tf, c.tf_op), 1);
  }
  // LeakyRelu's alpha reaches the TF attribute.
  OnnxGraph g;
  g.Output(g.Op("LeakyRelu", "lr", {g.Input("x", {3})}, {{"alpha", Attr::Float(0.25f)}}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  const ir::Node* lr = FindOp(**tf, "LeakyRelu");
  ASSERT_NE(lr, nullptr);
  EXPECT_FLOAT_EQ(lr->GetFloat("alpha", 0.f), 0.25f);
}

TEST(ActivationToTfTest, PReluWithChannelSlopeRunsNhwc) {
  OnnxGraph g(9);
  ir::Value* x = g.Input("x", {1, 4, 3, 3});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  g.Output(g.Op("PRelu", "prelu", {c, g.Random("slope", {4, 1, 1})}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 3, 3}, 5)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
}

TEST(CompareToTfTest, ComparisonsWhereAndCast) {
  OnnxGraph g;
  ir::Value* a = g.Input("a", {2, 3, 4});
  ir::Value* b = g.Input("b", {3, 4});
  ir::Value* gt = g.Op("Greater", "gt", {a, b});
  ir::Value* lt = g.Op("Less", "lt", {a, b});
  ir::Value* any = g.Op("Or", "or", {gt, g.Op("Not", "not", {lt})});
  g.Output(g.Op("Where", "where", {any, a, g.Op("Neg", "neg", {a})}));
  g.Output(g.Op("Cast", "cast", {g.Op("Equal", "eq", {gt, lt})},
                {{"to", Attr::Int(1)}}));  // TensorProto.FLOAT
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4}, 1), RandomInput({3, 4}, 2)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "SelectV2"), 1);
  EXPECT_EQ(CountOps(*r.tf, "LogicalOr"), 1);
  const ir::Node* cast = FindOp(*r.tf, "Cast");
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(cast->attr("DstT")->type(), DataType::kFloat32);
  EXPECT_EQ(cast->attr("SrcT")->type(), DataType::kBool);
}

TEST(CastToTfTest, HalfPrecisionConvertsToATfCast) {
  // float16 is a TF dtype (TF.js computes it in float32; tf::TfjsDtypeNotes says so).
  OnnxGraph g;
  g.Output(g.Op("Cast", "to_half", {g.Input("x", {3})}, {{"to", Attr::Int(10)}}));  // FLOAT16
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({3}, 30)}, 0.f);
  ASSERT_TRUE(c.tf);
  const ir::Node* cast = FindOp(*c.tf, "Cast");
  ASSERT_NE(cast, nullptr);
  EXPECT_EQ(cast->attr("DstT")->type(), DataType::kFloat16);
}

TEST(VariadicToTfTest, MaxMinSumMeanBroadcast) {
  for (const char* op : {"Max", "Min", "Sum", "Mean"}) {
    OnnxGraph g;
    ir::Value* a = g.Input("a", {2, 3});
    ir::Value* b = g.Input("b", {3});
    ir::Value* c = g.Input("c", {2, 1});
    g.Output(g.Op(op, "v", {a, b, c}));
    SCOPED_TRACE(op);
    Converted r = ConvertAndCompare(
        g.graph(), {RandomInput({2, 3}, 1), RandomInput({3}, 2), RandomInput({2, 1}, 3)});
    ASSERT_TRUE(r.tf);
  }
}

TEST(PowToTfTest, IntegerExponentIsCastToTheBaseType) {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {2, 3});
  g.Output(g.Op("Pow", "pow", {g.Op("Abs", "abs", {x}),
                              g.Const("e", Tensor::FromVector<int64_t>({1, 2, 3}, Shape({3})))}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3}, 4)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Pow"), 1);
}

TEST(ReduceToTfTest, EveryReductionOverNhwcAxes) {
  for (const char* op : {"ReduceSum", "ReduceMax", "ReduceMin", "ReduceProd", "ReduceMean"}) {
    for (int keep : {0, 1}) {
      OnnxGraph g(11);
      ir::Value* x = g.Input("x", {2, 3, 4, 5});
      ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 3, 1, 1})});
      g.Output(g.Op(op, "r", {c}, {{"axes", Attr::Ints({1, 3})}, {"keepdims", Attr::Int(keep)}}));
      SCOPED_TRACE(std::string(op) + " keepdims " + std::to_string(keep));
      ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 5}, 9)}, 1e-3f);
    }
  }
}

TEST(ReduceToTfTest, ReduceSum13AxesInputAndNoop) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {2, 3, 4});
  g.Output(g.Op("ReduceSum", "sum", {x, g.Const("axes", Tensor::FromVector<int64_t>({-1}, Shape({1})))},
                {{"keepdims", Attr::Int(0)}}));
  ir::Value* empty = g.Const("none", Tensor(DataType::kInt64, Shape({0})));
  g.Output(g.Op("ReduceSum", "noop", {x, empty}, {{"noop_with_empty_axes", Attr::Int(1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4}, 6)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Sum"), 1);
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

TEST(CompositeReduceToTfTest, L1L2SumSquareLogSumLogSumExp) {
  for (const char* op :
       {"ReduceL1", "ReduceL2", "ReduceSumSquare", "ReduceLogSum", "ReduceLogSumExp"}) {
    for (int keep : {0, 1}) {
      OnnxGraph g(13);
      ir::Value* x = g.Input("x", {2, 3, 4});
      // ReduceLogSum needs a positive sum; large values check LogSumExp's max shift.
      ir::Value* in = g.Op("Mul", "big", {g.Op("Abs", "abs", {x}), g.Const("k", Tensor::Scalar<float>(50.f))});
      g.Output(g.Op(op, "r", {in}, {{"axes", Attr::Ints({0, 2})}, {"keepdims", Attr::Int(keep)}}));
      SCOPED_TRACE(std::string(op) + " keepdims " + std::to_string(keep));
      Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4}, 11)}, 2e-3f);
      ASSERT_TRUE(r.tf);
      EXPECT_FALSE(std::isinf(r.max_diff));
    }
  }
}

TEST(ModTriluXorToTfTest, MatchOnnx) {
  OnnxGraph g(14);
  ir::Value* a = g.Input("a", {3, 4});
  ir::Value* b = g.Input("b", {3, 4});
  g.Output(g.Op("Mod", "mod", {a, g.Op("Add", "b_off", {b, g.Const("two", Tensor::Scalar<float>(2.f))})}));
  g.Output(g.Op("Trilu", "tri", {a, g.Const("k", Tensor::Scalar<int64_t>(1))},
                {{"upper", Attr::Int(0)}}));
  g.Output(g.Op("Cast", "xor_f",
                {g.Op("Xor", "xor", {g.Op("Greater", "ga", {a, b}), g.Op("Less", "lb", {b, a})})},
                {{"to", Attr::Int(1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({3, 4}, 12), RandomInput({3, 4}, 13)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "FloorMod"), 1);
  EXPECT_EQ(CountOps(*r.tf, "NotEqual"), 1);
}

TEST(ModTriluXorToTfTest, TruncatedModMatchesTheRuntime) {
  // fmod = 1 keeps the dividend's sign (C's fmod), unlike TF's FloorMod.
  OnnxGraph g(13);
  ir::Value* a = g.Input("a", {6});
  ir::Value* b = g.Input("b", {6});
  g.Output(g.Op("Mod", "fmod_1", {a, b}, {{"fmod", Attr::Int(1)}}));
  Tensor bv = Tensor::FromVector<float>({0.3f, -0.7f, 0.45f, -0.2f, 0.9f, -0.35f}, Shape{6});
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({6}, 31), bv}, 1e-6f);
  ASSERT_TRUE(c.tf);
}

}  // namespace
}  // namespace ferry::convert::testing
