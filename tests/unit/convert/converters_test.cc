// One test (or more) per ONNX op converter: a tiny ONNX graph, converted, run through both
// op sets on the same seeded input; plus the TF attributes the converter must emit.
#include "convert_test_util.h"
#include "tf/graph_def.h"

namespace ferry::convert::testing {
namespace {

std::pair<std::string, Attr> Ints(const std::string& k, std::vector<int64_t> v) {
  return {k, Attr::Ints(std::move(v))};
}

TEST(ConvToTfTest, SymmetricPadsBecomeSameAndTransposesOnlyAtBoundary) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 8, 8});
  ir::Value* y = g.Op("Conv", "conv", {x, g.Random("w", {4, 3, 3, 3}), g.Random("b", {4})},
                      {Ints("pads", {1, 1, 1, 1}), Ints("kernel_shape", {3, 3})});
  g.Output(g.Op("Relu", "relu", {y}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 8, 8}, 1)});
  ASSERT_TRUE(c.tf);
  const ir::Node* conv = FindOp(*c.tf, "Conv2D");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->attr("padding")->s(), "SAME");
  EXPECT_EQ(conv->attr("data_format")->s(), "NHWC");
  EXPECT_EQ(conv->attr("strides")->ints(), (std::vector<int64_t>{1, 1, 1, 1}));
  EXPECT_EQ(conv->attr("T")->type(), DataType::kFloat32);
  EXPECT_EQ(CountOps(*c.tf, "BiasAdd"), 1);
  // One at the 4-D input, one back to NCHW at the 4-D output.
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), 2);
  EXPECT_EQ(c.tf->outputs()[0]->name(), "relu_out0");
  EXPECT_EQ(c.tf->inputs()[0]->name(), "input");
  EXPECT_EQ(c.tf->opset("tf"), 1);
}

TEST(ConvToTfTest, AsymmetricStridedPadsBecomeExplicit) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 3, 9, 10});
  g.Output(g.Op("Conv", "conv", {x, g.Random("w", {5, 3, 3, 3})},
                {Ints("pads", {1, 0, 2, 1}), Ints("strides", {2, 2})}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 3, 9, 10}, 2)});
  ASSERT_TRUE(c.tf);
  const ir::Node* conv = FindOp(*c.tf, "Conv2D");
  ASSERT_NE(conv, nullptr);
  EXPECT_EQ(conv->attr("padding")->s(), "EXPLICIT");
  EXPECT_EQ(conv->attr("explicit_paddings")->ints(),
            (std::vector<int64_t>{0, 0, 1, 2, 0, 1, 0, 0}));
  EXPECT_EQ(CountOps(*c.tf, "BiasAdd"), 0);
}

TEST(ConvToTfTest, DilatedValid) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 2, 11, 11});
  g.Output(g.Op("Conv", "conv", {x, g.Random("w", {3, 2, 3, 3}), g.Random("b", {3})},
                {Ints("dilations", {2, 2})}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 2, 11, 11}, 3)});
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(FindOp(*c.tf, "Conv2D")->attr("padding")->s(), "VALID");
  EXPECT_EQ(FindOp(*c.tf, "Conv2D")->attr("dilations")->ints(), (std::vector<int64_t>{1, 2, 2, 1}));
}

TEST(ConvToTfTest, DepthwiseWithMultiplier) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 4, 7, 7});
  g.Output(g.Op("Conv", "dw", {x, g.Random("w", {8, 1, 3, 3}), g.Random("b", {8})},
                {Ints("pads", {1, 1, 1, 1}), Ints("strides", {2, 2}), {"group", Attr::Int(4)}}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 7, 7}, 4)});
  ASSERT_TRUE(c.tf);
  const ir::Node* dw = FindOp(*c.tf, "DepthwiseConv2dNative");
  ASSERT_NE(dw, nullptr);
  EXPECT_EQ(dw->input(1)->constant().shape(), (Shape{3, 3, 4, 2}));
}

TEST(ConvToTfTest, GroupedConvIsOneConv2DPerGroupAndAConcat) {
  // group 2, not depthwise: TF.js's conv2d needs input depth == filter depth, so each group is
  // a StridedSlice of the channels, a Conv2D, and the results are concatenated.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 4, 5, 5});
  g.Output(g.Op("Conv", "gconv", {x, g.Random("w", {6, 2, 3, 3})}, {{"group", Attr::Int(2)}}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 5, 5}, 11)});
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Conv2D"), 2);
  EXPECT_EQ(CountOps(*c.tf, "ConcatV2"), 1);
  EXPECT_EQ(CountOps(*c.tf, "Transpose"), 2);  // the graph input and output only
}

TEST(MaxPoolToTfTest, ResNetStemPadsBecomePadV2WithMinusInfinity) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 3, 12, 12});
  g.Output(
      g.Op("MaxPool", "pool", {x},
           {Ints("kernel_shape", {3, 3}), Ints("strides", {2, 2}), Ints("pads", {1, 1, 1, 1})}));
  // Negative inputs: a zero pad would win the max at the border.
  Tensor in = RandomInput({1, 3, 12, 12}, 5);
  for (int64_t i = 0; i < in.NumElements(); ++i) in.data<float>()[i] -= 2.f;
  Converted c = ConvertAndCompare(g.graph(), {in});
  ASSERT_TRUE(c.tf);
  const ir::Node* pad = FindOp(*c.tf, "PadV2");
  ASSERT_NE(pad, nullptr);
  EXPECT_TRUE(std::isinf(pad->input(2)->constant().data<float>()[0]));
  EXPECT_EQ(FindOp(*c.tf, "MaxPool")->attr("padding")->s(), "VALID");
}

TEST(MaxPoolToTfTest, SameShapedPadsUseSame) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 2, 6, 6});
  g.Output(
      g.Op("MaxPool", "pool", {x}, {Ints("kernel_shape", {3, 3}), Ints("pads", {1, 1, 1, 1})}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 2, 6, 6}, 6)});
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(FindOp(*c.tf, "MaxPool")->attr("padding")->s(), "SAME");
  EXPECT_EQ(FindOp(*c.tf, "MaxPool")->attr("ksize")->ints(), (std::vector<int64_t>{1, 3, 3, 1}));
}

TEST(MaxPoolToTfTest, CeilModeBecomesExtraEndPadding) {
  // squeezenet's pools: 6 -> 3 with ceil_mode (2 when rounding down).
  OnnxGraph g(13);
  ir::Value* x = g.Input("input", {1, 2, 6, 7});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {2, 2, 1, 1})});
  g.Output(
      g.Op("MaxPool", "pool", {c},
           {Ints("kernel_shape", {3, 3}), Ints("strides", {2, 2}), {"ceil_mode", Attr::Int(1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 6, 7}, 7)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "PadV2"), 1);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
}

TEST(AveragePoolToTfTest, CeilModeIsPadPoolAndAConstantDivisor) {
  // ceil_mode adds a last window that hangs past the input: zeros are padded in, a VALID
  // AvgPool gives sum / 9, and a constant map rescales each window to its real-element count.
  for (int include : {0, 1}) {
    OnnxGraph g(13);
    ir::Value* x = g.Input("input", {1, 1, 6, 6});
    g.Output(g.Op("AveragePool", "pool", {x},
                  {Ints("kernel_shape", {3, 3}), Ints("strides", {2, 2}),
                   Ints("pads", {1, 0, 0, 0}), {"ceil_mode", Attr::Int(1)},
                   {"count_include_pad", Attr::Int(include)}}));
    Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 1, 6, 6}, 12)});
    ASSERT_TRUE(c.tf) << "count_include_pad " << include;
    EXPECT_EQ(CountOps(*c.tf, "Pad"), 1);
    EXPECT_EQ(CountOps(*c.tf, "Mul"), 1);
  }
}

TEST(AveragePoolToTfTest, DilationsAreAnErrorNamingTheAttribute) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("input", {1, 1, 6, 6});
  g.Output(g.Op("AveragePool", "pool", {x},
                {Ints("kernel_shape", {2, 2}), Ints("dilations", {2, 2})}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_NE(tf.status().message().find("AveragePool 'pool'"), std::string::npos)
      << tf.status().ToString();
  EXPECT_NE(tf.status().message().find("'dilations'"), std::string::npos)
      << tf.status().ToString();
}

TEST(AveragePoolToTfTest, ExcludedPaddingUsesSameIncludedUsesPad) {
  for (int include : {0, 1}) {
    OnnxGraph g;
    ir::Value* x = g.Input("input", {1, 2, 6, 6});
    g.Output(g.Op("AveragePool", "pool", {x},
                  {Ints("kernel_shape", {3, 3}),
                   Ints("pads", {1, 1, 1, 1}),
                   {"count_include_pad", Attr::Int(include)}}));
    Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 6, 6}, 7)});
    ASSERT_TRUE(c.tf) << "count_include_pad " << include;
    EXPECT_EQ(CountOps(*c.tf, "Pad"), include) << "count_include_pad " << include;
    EXPECT_EQ(FindOp(*c.tf, "AvgPool")->attr("padding")->s(), include ? "VALID" : "SAME");
  }
}

TEST(GemmToTfTest, GlobalPoolFlattenGemmNeedsNoInteriorTranspose) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 6, 6});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {8, 3, 3, 3})});
  ir::Value* p = g.Op("GlobalAveragePool", "gap", {c});
  ir::Value* f = g.Op("Flatten", "flat", {p});
  g.Output(g.Op("Gemm", "fc", {f, g.Random("fw", {5, 8}), g.Random("fb", {5})},
                {{"transB", Attr::Int(1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({3, 3, 6, 6}, 8)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 1);
  EXPECT_EQ(CountOps(*r.tf, "Mean"), 1);
  const ir::Node* mm = FindOp(*r.tf, "MatMul");
  ASSERT_NE(mm, nullptr);
  EXPECT_TRUE(mm->attr("transpose_b")->b());
}

TEST(GemmToTfTest, SpatialFlattenThroughReluPermutesWeightRows) {
  // SimpleCNN's tail: Conv -> Flatten (4x4 spatial) -> Relu -> Gemm.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 2, 6, 6});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 2, 3, 3}), g.Random("b", {3})});
  ir::Value* f = g.Op("Relu", "relu", {g.Op("Flatten", "flat", {c})});
  ir::Value* h = g.Op("Gemm", "fc1", {f, g.Random("w1", {7, 48}), g.Random("b1", {7})},
                      {{"transB", Attr::Int(1)}});
  g.Output(g.Op("Gemm", "fc2", {h, g.Random("w2", {7, 4})}, {{"alpha", Attr::Float(0.5f)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 2, 6, 6}, 9)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 1);
}

TEST(ReshapeToTfTest, TorchViewOfDynamicBatchFoldsToConstantTarget) {
  // x.view(x.size(0), -1): Shape -> Gather(0) -> Unsqueeze -> Concat([N], [-1]) -> Reshape.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 2, 4, 4});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 2, 3, 3})});
  ir::Value* s = g.Op("Shape", "shape", {c});
  ir::Value* n = g.Op("Gather", "gather", {s, g.Const("zero", Tensor::Scalar<int64_t>(0))});
  ir::Value* u =
      g.Op("Unsqueeze", "unsq", {n, g.Const("ax", Tensor::FromVector<int64_t>({0}, Shape{1}))});
  ir::Value* t =
      g.Op("Concat", "cat", {u, g.Const("m1", Tensor::FromVector<int64_t>({-1}, Shape{1}))},
           {{"axis", Attr::Int(0)}});
  ir::Value* r = g.Op("Reshape", "view", {c, t});
  g.Output(g.Op("MatMul", "mm", {r, g.Random("w2", {12, 5})}));
  for (int64_t batch : {1, 3}) {
    Converted cv = ConvertAndCompare(g.graph(), {RandomInput({batch, 2, 4, 4}, 10)});
    ASSERT_TRUE(cv.tf) << "batch " << batch;
    EXPECT_EQ(CountOps(*cv.tf, "Transpose"), 1) << "batch " << batch;
    EXPECT_EQ(CountOps(*cv.tf, "Shape"), 0) << "the shape math must fold";
    const ir::Node* re = FindOp(*cv.tf, "Reshape");
    ASSERT_NE(re, nullptr);
    EXPECT_EQ(re->input(1)->constant().ToInt64Vector(), (std::vector<int64_t>{-1, 12}));
  }
}

TEST(ReshapeToTfTest, ReshapeToFourDimsGoesBackToNchw) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 2, 4, 4});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 2, 1, 1})});
  ir::Value* r = g.Op("Reshape", "rs",
                      {c, g.Const("s", Tensor::FromVector<int64_t>({1, 2, 2, 16}, Shape{4}))});
  g.Output(g.Op("Relu", "relu", {r}));
  Converted cv = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 4, 4}, 11)});
  ASSERT_TRUE(cv.tf);
  // Input, one interior (Reshape needs NCHW): the result stays correct.
  EXPECT_EQ(CountOps(*cv.tf, "Transpose"), 2);
}

TEST(ElementwiseToTfTest, ChannelBroadcastConstantsArePermutedForNhwc) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3, 4, 5});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 3, 1, 1})});
  ir::Value* a = g.Op("Add", "add", {c, g.Random("cb", {3, 1, 1})});
  ir::Value* m = g.Op("Mul", "mul", {a, g.Random("row", {5})});
  ir::Value* s = g.Op("Sub", "sub", {m, g.Const("k", Tensor::Scalar<float>(0.5f))});
  ir::Value* d = g.Op("Div", "div", {s, g.Random("full", {1, 3, 4, 5}, 0.1f, 2.f)});
  ir::Value* sg = g.Op("Sigmoid", "sig", {d});
  g.Output(g.Op("Tanh", "tanh", {g.Op("Add", "add2", {sg, c})}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 5}, 12)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
  EXPECT_EQ(CountOps(*r.tf, "RealDiv"), 1);
}

TEST(ClipToTfTest, ZeroSixIsRelu6OtherBoundsClip) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 2, 3, 3});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {2, 2, 1, 1}, 6.f)});
  ir::Value* r6 = g.Op(
      "Clip", "relu6",
      {c, g.Const("lo", Tensor::Scalar<float>(0.f)), g.Const("hi", Tensor::Scalar<float>(6.f))});
  ir::Value* cl = g.Op(
      "Clip", "clip",
      {c, g.Const("lo2", Tensor::Scalar<float>(-1.f)), g.Const("hi2", Tensor::Scalar<float>(2.f))});
  ir::Value* mx = g.Op("Clip", "floor_only", {c, g.Const("lo3", Tensor::Scalar<float>(-0.5f))});
  g.Output(r6);
  g.Output(cl);
  g.Output(mx);
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 3, 3}, 13)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Relu6"), 1);
  EXPECT_EQ(CountOps(*r.tf, "ClipByValue"), 1);
  EXPECT_EQ(CountOps(*r.tf, "Maximum"), 1);
}

TEST(BatchNormalizationToTfTest, FoldsIntoMulAddInNhwcAndNc) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3, 4, 4});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 3, 1, 1})});
  ir::Value* bn = g.Op("BatchNormalization", "bn",
                       {c, g.Random("s", {3}, 0.2f, 1.f), g.Random("b", {3}), g.Random("m", {3}),
                        g.Random("v", {3}, 0.1f, 1.f)},
                       {{"epsilon", Attr::Float(1e-3f)}});
  g.Output(bn);
  ir::Value* x2 = g.Input("vec", {2, 3});
  g.Output(g.Op("BatchNormalization", "bn2",
                {x2, g.Random("s2", {3}, 0.2f, 1.f), g.Random("b2", {3}), g.Random("m2", {3}),
                 g.Random("v2", {3}, 0.1f, 1.f)}));
  Converted r =
      ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 4}, 14), RandomInput({2, 3}, 15)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
}

TEST(ConcatToTfTest, ChannelConcatAxisIsRemapped) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 2, 3, 3});
  ir::Value* a = g.Op("Conv", "c1", {x, g.Random("w1", {2, 2, 1, 1})});
  ir::Value* b = g.Op("Conv", "c2", {x, g.Random("w2", {3, 2, 1, 1})});
  ir::Value* cat = g.Op("Concat", "cat", {a, b}, {{"axis", Attr::Int(1)}});
  g.Output(g.Op("Relu", "relu", {cat}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 3, 3}, 16)});
  ASSERT_TRUE(r.tf);
  const ir::Node* cn = FindOp(*r.tf, "ConcatV2");
  ASSERT_NE(cn, nullptr);
  EXPECT_EQ(cn->input(2)->constant().GetAsInt64(0), 3);
  EXPECT_EQ(cn->attr("N")->i(), 2);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
}

TEST(SoftmaxToTfTest, LastAxisSoftmaxAndLogSoftmax) {
  for (int opset : {11, 13}) {
    OnnxGraph g(opset);
    ir::Value* x = g.Input("input", {2, 5});
    ir::Value* h = g.Op("MatMul", "mm", {x, g.Random("w", {5, 6})});
    g.Output(g.Op("Softmax", "sm", {h}, {{"axis", Attr::Int(1)}}));
    g.Output(g.Op("LogSoftmax", "lsm", {h}, {{"axis", Attr::Int(-1)}}));
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 5}, 17)});
    ASSERT_TRUE(r.tf) << "opset " << opset;
    EXPECT_EQ(CountOps(*r.tf, "Softmax"), 1);
    EXPECT_EQ(CountOps(*r.tf, "LogSoftmax"), 1);
  }
}

TEST(SoftmaxToTfTest, ChannelSoftmaxOfNhwcIsLastAxisInTf) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("input", {1, 4, 2, 3});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  g.Output(g.Op("Softmax", "sm", {c}, {{"axis", Attr::Int(1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 2, 3}, 18)});
  ASSERT_TRUE(r.tf);
}

TEST(SoftmaxToTfTest, NonLastAxisSwapsItWithTheLast) {
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    OnnxGraph g(13);
    ir::Value* x = g.Input("input", {2, 5, 3});
    g.Output(g.Op(op, "sm", {x}, {{"axis", Attr::Int(1)}}));
    SCOPED_TRACE(op);
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 5, 3}, 18)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);  // swap axis 1 with the last, and back
    EXPECT_EQ(CountOps(*r.tf, op), 1);
  }
}

TEST(TransposeToTfTest, OnnxTransposeOfNhwcValueComposesIntoOne) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 2, 3, 4});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {5, 2, 1, 1})});
  g.Output(g.Op("Transpose", "t", {c}, {Ints("perm", {0, 2, 3, 1})}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 3, 4}, 19)});
  ASSERT_TRUE(r.tf);
  // NCHW->NHWC of the conv output is exactly the NHWC value: the model's Transpose vanishes.
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 1);
}

TEST(TransposeToTfTest, ModelsOwnChannelsLastPermutePairVanishes) {
  // convnext's block: permute(0, 2, 3, 1) -> Linear layers on the last axis ->
  // permute(0, 3, 1, 2) -> layer scale -> residual Add. Both permutes are identities in TF.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 4, 3, 5});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  ir::Value* t = g.Op("Transpose", "to_last", {c}, {Ints("perm", {0, 2, 3, 1})});
  ir::Value* m = g.Op("MatMul", "fc1", {t, g.Random("w1", {4, 6})});
  m = g.Op("MatMul", "fc2", {g.Op("Relu", "relu", {m}), g.Random("w2", {6, 4})});
  ir::Value* back = g.Op("Transpose", "to_first", {m}, {Ints("perm", {0, 3, 1, 2})});
  ir::Value* scaled = g.Op("Mul", "scale", {back, g.Random("gamma", {4, 1, 1})});
  ir::Value* sum = g.Op("Add", "residual", {scaled, c});
  g.Output(g.Op("Conv", "conv2", {sum, g.Random("w3", {2, 4, 1, 1})}));
  for (int64_t batch : {1, 3}) {
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({batch, 4, 3, 5}, 40)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2) << "batch " << batch;  // graph input, output
  }
}

TEST(TransposeToTfTest, ChannelShuffleRunsChannelsLast) {
  // shufflenet's channel shuffle of an NHWC value: only its own 5-D Transpose remains.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 4, 3, 5});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {6, 4, 1, 1})});
  ir::Value* split =
      g.Op("Reshape", "split",
           {c, g.Const("s5", Tensor::FromVector<int64_t>({-1, 2, 3, 3, 5}, Shape{5}))});
  ir::Value* t = g.Op("Transpose", "shuffle", {split}, {Ints("perm", {0, 2, 1, 3, 4})});
  ir::Value* merged = g.Op(
      "Reshape", "merge", {t, g.Const("s4", Tensor::FromVector<int64_t>({-1, 6, 3, 5}, Shape{4}))});
  g.Output(g.Op("Conv", "conv2", {merged, g.Random("w2", {2, 6, 1, 1})}));
  for (int64_t batch : {1, 3}) {
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({batch, 4, 3, 5}, 41)});
    ASSERT_TRUE(r.tf);
    // The graph input and output; fold_transposes makes the shuffle one GatherV2.
    EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2) << "batch " << batch;
    EXPECT_EQ(CountOps(*r.tf, "GatherV2"), 1) << "batch " << batch;
  }
  // Without the fold: the plan's channels-last shuffle (the graph input, the shuffle, the
  // graph output), and check --per-node's record: [N, 2, 3, 3, 5] lives as [N, 3, 5, 2, 3].
  ConvertOptions o;
  o.fold_transposes = false;
  auto tf = ConvertOnnxToTf(*g.graph(), o);
  ASSERT_TRUE(tf.ok()) << tf.status().ToString();
  EXPECT_EQ(CountOps(**tf, "Transpose"), 3);
  std::vector<int64_t> split_perm;
  for (const tf::SourceValue& sv : tf::GetSourceValues(**tf))
    if (sv.source == "split_out0") split_perm = sv.perm;
  EXPECT_EQ(split_perm, (std::vector<int64_t>{0, 3, 4, 1, 2}));
}

TEST(GatherToTfTest, GatherAndUnsqueezeOfActivations) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 6});
  ir::Value* ga = g.Op("Gather", "gather",
                       {x, g.Const("idx", Tensor::FromVector<int64_t>({-1, 0, 2}, Shape{3}))},
                       {{"axis", Attr::Int(1)}});
  g.Output(
      g.Op("Unsqueeze", "unsq", {ga, g.Const("ax", Tensor::FromVector<int64_t>({1}, Shape{1}))}));
  for (int64_t batch : {1, 4}) {
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({batch, 6}, 20)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, "ExpandDims"), 1);
    EXPECT_EQ(CountOps(*r.tf, "GatherV2"), 1);
  }
}

TEST(IdentityToTfTest, IdentityAndDropoutOutputsKeepOnnxNames) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3});
  ir::Value* r = g.Op("Relu", "relu", {x});
  ir::Value* d = g.Op("Dropout", "drop", {r});
  g.Output(g.Op("Identity", "id", {d}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 3}, 21)});
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(c.tf->outputs()[0]->name(), "id_out0");
}

TEST(ConvertTest, UnsupportedOpsAreListedTogether) {
  // Ops that stay without a TF lowering (string ops: TF.js has no string kernels to run them).
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3});
  ir::Value* a = g.Op("Relu", "relu", {x});
  ir::Value* b = g.Op("TfIdfVectorizer", "tfidf_1", {a});
  ir::Value* c = g.Op("StringNormalizer", "norm_1", {b});
  ir::Value* d = g.Op("StringNormalizer", "norm_2", {c});
  g.Output(d);
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_EQ(tf.status().code(), StatusCode::kUnimplemented);
  const std::string m = tf.status().message();
  EXPECT_NE(m.find("TfIdfVectorizer (node 'tfidf_1')"), std::string::npos) << m;
  EXPECT_NE(m.find("StringNormalizer (nodes 'norm_1', 'norm_2')"), std::string::npos) << m;
  // Relu converts: only the unsupported ops are named.
  EXPECT_EQ(m.find("Relu"), std::string::npos) << m;
}

TEST(ConvertTest, UnknownAttributeIsAnErrorNotDropped) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3});
  g.Output(g.Op("Relu", "relu_9", {x}, {{"mystery", Attr::Int(1)}}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_NE(tf.status().message().find("Relu 'relu_9': attribute 'mystery'"), std::string::npos)
      << tf.status().ToString();
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

TEST(ReduceMeanToTfTest, SpatialMeanWithAndWithoutKeepdims) {
  for (int keep : {0, 1}) {
    OnnxGraph g;
    ir::Value* x = g.Input("input", {2, 3, 4, 5});
    ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 3, 1, 1})});
    g.Output(g.Op("ReduceMean", "mean", {c},
                  {{"axes", Attr::Ints({2, 3})}, {"keepdims", Attr::Int(keep)}}));
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 5}, 50)});
    ASSERT_TRUE(r.tf) << "keepdims " << keep;
    EXPECT_EQ(FindOp(*r.tf, "Mean")->input(1)->constant().ToInt64Vector(),
              (std::vector<int64_t>{1, 2}));
    // keepdims=1 leaves a 4-D NHWC [N, 1, 1, C] output, whose way back to NCHW moves no
    // data (fold_transposes: a Reshape); keepdims=0 an [N, C] one. Only the input's remains.
    EXPECT_EQ(CountOps(*r.tf, "Transpose"), 1) << "keepdims " << keep;
  }
}

TEST(ReduceMeanToTfTest, OrderChangingReductionGetsNchw) {
  // Mean over H alone without keepdims: ONNX leaves [N, C, W], NHWC would leave [N, W, C];
  // the pass gives the node NCHW (one interior Transpose) instead.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3, 4, 5});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 3, 1, 1})});
  g.Output(
      g.Op("ReduceMean", "mean_h", {c}, {{"axes", Attr::Ints({2})}, {"keepdims", Attr::Int(0)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 5}, 53)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(FindOp(*r.tf, "Mean")->input(1)->constant().ToInt64Vector(), (std::vector<int64_t>{2}));
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
}

TEST(SqueezeToTfTest, AttributeAndInputAxes) {
  for (int opset : {11, 13}) {
    OnnxGraph g(opset);
    ir::Value* x = g.Input("input", {-1, 4, 1, 1});
    ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
    std::vector<std::pair<std::string, Attr>> attrs;
    std::vector<ir::Value*> ins = {c};
    if (opset < 13) {
      attrs.push_back({"axes", Attr::Ints({-1, 2})});
    } else {
      ins.push_back(g.Const("axes", Tensor::FromVector<int64_t>({2, 3}, Shape{2})));
    }
    g.Output(g.Op("Squeeze", "sq", ins, attrs));
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({3, 4, 1, 1}, 51)});
    ASSERT_TRUE(r.tf) << "opset " << opset;
    // Squeezing the 1x1 spatial dims of the NHWC conv output: NHWC axes 1, 2, no Transpose;
    // the input's [N, 4, 1, 1] -> NHWC moves no data either (fold_transposes: a Reshape).
    EXPECT_EQ(FindOp(*r.tf, "Squeeze")->attr("squeeze_dims")->ints(), (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(CountOps(*r.tf, "Transpose"), 0);
  }
}

TEST(ElementwiseToTfTest, ExpNegSqrtAbs) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {2, 3});
  ir::Value* a = g.Op("Abs", "abs", {x});
  g.Output(g.Op("Sqrt", "sqrt", {a}));
  g.Output(g.Op("Exp", "exp", {g.Op("Neg", "neg", {a})}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3}, 52)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Abs"), 1);
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

TEST(SoftmaxToTfTest, Opset11FlattensFromAxisThroughReshapes) {
  // Softmax-11 over axis 1 of a 4-D tensor normalises C*H*W jointly: the node gets NCHW and
  // normalises the [N, C*H*W] view.
  OnnxGraph g(11);
  ir::Value* x = g.Input("input", {1, 4, 2, 3});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  g.Output(g.Op("Softmax", "sm11", {c}, {{"axis", Attr::Int(1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 2, 3}, 53)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Reshape"), 2);
  EXPECT_EQ(CountOps(*r.tf, "Softmax"), 1);
}

TEST(SoftmaxToTfTest, Opset13LastSpatialAxisGetsNchw) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("input", {1, 4, 2, 3});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  g.Output(g.Op("Softmax", "sm", {c}, {{"axis", Attr::Int(-1)}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 2, 3}, 54)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);  // input, and back to NCHW before the Softmax
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

std::pair<std::string, Attr> IntsAttr(const std::string& k, std::vector<int64_t> v) {
  return {k, Attr::Ints(std::move(v))};
}

int CountCastsTo(const ir::Graph& g, DataType t) {
  int n = 0;
  for (const auto& node : g.nodes())
    n += node->op_type() == "Cast" && node->attr("DstT")->type() == t;
  return n;
}

Tensor Bytes(DataType t, const std::vector<int64_t>& dims, uint32_t seed) {
  Tensor x(t, Shape(dims));
  std::mt19937 rng(seed);
  for (int64_t i = 0; i < x.NumElements(); ++i) {
    const int v = static_cast<int>(rng() % 256);
    if (t == DataType::kUInt8)
      x.data<uint8_t>()[i] = static_cast<uint8_t>(v);
    else
      x.data<int8_t>()[i] = static_cast<int8_t>(v - 128);
  }
  return x;
}

TEST(MaxPoolToTfTest, IndicesMatchOnnxForPadsStridesAndStorageOrder) {
  // pads the TF op cannot express (PadV2 first, indices shifted back) and plain VALID windows,
  // row- and column-major indices, batch 2 (the index includes the batch offset).
  for (int order : {0, 1}) {
    for (const std::vector<int64_t>& pads : {std::vector<int64_t>{1, 0, 2, 1},
                                             std::vector<int64_t>{0, 0, 0, 0}}) {
      OnnxGraph g;
      ir::Value* x = g.Input("input", {2, 3, 7, 6});
      ir::Node* pool = g.Node("MaxPool", "pool", {x},
                              {IntsAttr("kernel_shape", {3, 2}), IntsAttr("strides", {2, 2}),
                               IntsAttr("pads", pads), {"storage_order", Attr::Int(order)}},
                              2);
      pool->output(1)->info().dtype = DataType::kInt64;
      g.Output(pool->output(0));
      g.Output(pool->output(1));
      Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 7, 6}, 40 + order)}, 0.f);
      ASSERT_TRUE(c.tf) << "storage_order " << order;
      const ir::Node* argmax = FindOp(*c.tf, "MaxPoolWithArgmax");
      ASSERT_NE(argmax, nullptr);
      EXPECT_TRUE(argmax->attr("include_batch_in_index")->b());
      EXPECT_EQ(argmax->attr("padding")->s(), "VALID");
      EXPECT_EQ(CountOps(*c.tf, "PadV2"), pads[0] ? 1 : 0);
    }
  }
}

TEST(MaxPoolToTfTest, Uint8PoolsInFloatBetweenCasts) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 2, 5, 5}, DataType::kUInt8);
  g.Output(g.Op("MaxPool", "pool", {x},
                {IntsAttr("kernel_shape", {3, 3}), IntsAttr("pads", {1, 1, 1, 1})}));
  Converted c = ConvertAndCompare(g.graph(), {Bytes(DataType::kUInt8, {1, 2, 5, 5}, 7)}, 0.f);
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Cast"), 2);
  EXPECT_EQ(CountCastsTo(*c.tf, DataType::kUInt8), 1);
}

TEST(MaxUnpoolToTfTest, UndoesMaxPoolWithIndices) {
  OnnxGraph g(11);
  ir::Value* x = g.Input("input", {2, 2, 4, 6});
  ir::Node* pool = g.Node("MaxPool", "pool", {x},
                          {IntsAttr("kernel_shape", {2, 2}), IntsAttr("strides", {2, 2})}, 2);
  pool->output(1)->info().dtype = DataType::kInt64;
  g.Output(g.Op("MaxUnpool", "unpool", {pool->output(0), pool->output(1)},
                {IntsAttr("kernel_shape", {2, 2}), IntsAttr("strides", {2, 2})}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 2, 4, 6}, 9)}, 0.f);
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "TensorScatterUpdate"), 1);
}

TEST(PadToTfTest, EdgeModeGathersConstantAndRunTimePads) {
  {
    OnnxGraph g;
    ir::Value* x = g.Input("input", {1, 2, 3, 4});
    ir::Value* pads = g.Const("pads", Tensor::FromVector<int64_t>({0, 0, 2, 3, 0, 1, 4, 1},
                                                                  Shape{8}));
    g.Output(g.Op("Pad", "pad", {x, pads}, {{"mode", Attr::String("edge")}}));
    Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 3, 4}, 11)}, 0.f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "GatherV2"), 3);  // C, H and W are padded
    EXPECT_EQ(CountOps(*c.tf, "MirrorPad"), 0);
  }
  {
    OnnxGraph g;
    ir::Value* x = g.Input("input", {3, 4});
    ir::Value* pads = g.Input("pads", {4}, DataType::kInt64);
    g.Output(g.Op("Pad", "pad", {x, pads}, {{"mode", Attr::String("edge")}}));
    Converted c = ConvertAndCompare(
        g.graph(),
        {RandomInput({3, 4}, 12), Tensor::FromVector<int64_t>({2, 0, 1, 3}, Shape{4})}, 0.f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Range"), 2);
  }
}

TEST(ReverseSequenceToTfTest, BothAxisOrders) {
  for (int64_t batch_axis : {0, 1}) {
    OnnxGraph g(10);
    ir::Value* x = g.Input("input", {4, 5, 2});
    ir::Value* lens = g.Input("lens", {batch_axis == 0 ? 4 : 5}, DataType::kInt64);
    g.Output(g.Op("ReverseSequence", "rev", {x, lens},
                  {{"batch_axis", Attr::Int(batch_axis)}, {"time_axis", Attr::Int(1 - batch_axis)}}));
    const std::vector<int64_t> l = batch_axis == 0 ? std::vector<int64_t>{5, 1, 3, 0}
                                                   : std::vector<int64_t>{4, 2, 1, 3, 0};
    Converted c = ConvertAndCompare(
        g.graph(),
        {RandomInput({4, 5, 2}, 13), Tensor::FromVector<int64_t>(l, Shape{int64_t(l.size())})},
        0.f);
    ASSERT_TRUE(c.tf) << "batch_axis " << batch_axis;
    EXPECT_EQ(CountOps(*c.tf, "GatherNd"), 1);
  }
}

TEST(MeanVarianceNormalizationToTfTest, DefaultAndExplicitAxes) {
  for (const std::vector<int64_t>& axes : {std::vector<int64_t>{0, 2, 3}, {1, -1}}) {
    OnnxGraph g;
    ir::Value* x = g.Input("input", {2, 3, 4, 5});
    g.Output(g.Op("MeanVarianceNormalization", "mvn", {x}, {IntsAttr("axes", axes)}));
    Converted c = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4, 5}, 14)}, 1e-5f);
    ASSERT_TRUE(c.tf);
  }
}

TEST(IntegerToTfTest, MatMulIntegerQLinearMatMulAndConvInteger) {
  {
    OnnxGraph g(10);
    ir::Value* a = g.Input("a", {3, 5}, DataType::kUInt8);
    ir::Value* bm = g.Const("b", Bytes(DataType::kUInt8, {5, 4}, 1));
    ir::Value* azp = g.Const("azp", Tensor::FromVector<uint8_t>({100, 3, 250}, Shape{3}));
    ir::Value* bzp = g.Const("bzp", Tensor::FromVector<uint8_t>({7, 0, 128, 255}, Shape{4}));
    g.Output(g.Op("MatMulInteger", "mmi", {a, bm, azp, bzp}));
    Converted c = ConvertAndCompare(g.graph(), {Bytes(DataType::kUInt8, {3, 5}, 2)}, 0.f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountCastsTo(*c.tf, DataType::kInt32), 1);
  }
  {
    OnnxGraph g(10);
    ir::Value* a = g.Input("a", {2, 3, 6}, DataType::kInt8);
    ir::Value* b = g.Input("b", {6, 4}, DataType::kInt8);
    auto f = [&](const char* n, float v) { return g.Const(n, Tensor::Scalar<float>(v)); };
    auto q = [&](const char* n, int8_t v) { return g.Const(n, Tensor::Scalar<int8_t>(v)); };
    g.Output(g.Op("QLinearMatMul", "qmm",
                  {a, f("as", 0.02f), q("azp", -3), b, f("bs", 0.01f), q("bzp", 5),
                   f("ys", 0.05f), q("yzp", 10)}));
    Converted c = ConvertAndCompare(
        g.graph(), {Bytes(DataType::kInt8, {2, 3, 6}, 3), Bytes(DataType::kInt8, {6, 4}, 4)}, 0.f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Round"), 1);
  }
  {
    OnnxGraph g(10);
    ir::Value* x = g.Input("x", {1, 2, 5, 6}, DataType::kUInt8);
    ir::Value* w = g.Const("w", Bytes(DataType::kUInt8, {3, 2, 3, 3}, 5));
    ir::Value* xzp = g.Const("xzp", Tensor::Scalar<uint8_t>(17));
    ir::Value* wzp = g.Const("wzp", Tensor::FromVector<uint8_t>({1, 128, 250}, Shape{3}));
    g.Output(g.Op("ConvInteger", "convi", {x, w, xzp, wzp},
                  {IntsAttr("pads", {1, 0, 1, 2}), IntsAttr("strides", {1, 2})}));
    Converted c = ConvertAndCompare(g.graph(), {Bytes(DataType::kUInt8, {1, 2, 5, 6}, 6)}, 0.f);
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Conv2D"), 1);
  }
}

TEST(ConvTransposeToTfTest, DilatedRunTimeWeightsGetZerosBetweenTaps) {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {1, 2, 4, 5});
  ir::Value* w = g.Input("w", {2, 3, 2, 3});
  g.Output(g.Op("ConvTranspose", "convt", {x, w},
                {IntsAttr("dilations", {2, 3}), IntsAttr("strides", {2, 1})}));
  Converted c = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 4, 5}, 21),
                                              RandomInput({2, 3, 2, 3}, 22)});
  ASSERT_TRUE(c.tf);
  EXPECT_EQ(CountOps(*c.tf, "Pad"), 2);  // one per dilated spatial axis
  const ir::Node* t = FindOp(*c.tf, "Conv2DBackpropInput");
  ASSERT_NE(t, nullptr);
  EXPECT_EQ(t->attr("dilations")->ints(), (std::vector<int64_t>{1, 1, 1, 1}));
}

TEST(DftToTfTest, RealAndComplexForwardInverseOnesidedMatchRuntime) {
  struct Case {
    std::vector<int64_t> dims;
    int64_t axis, inverse, onesided;
  };
  for (const Case& k : {Case{{2, 6, 3, 1}, 1, 0, 0}, Case{{2, 6, 3, 2}, 2, 1, 0},
                        Case{{1, 7, 2}, 1, 0, 1}}) {
    OnnxGraph g(17);
    ir::Value* x = g.Input("input", k.dims);
    g.Output(g.Op("DFT", "dft", {x},
                  {{"axis", Attr::Int(k.axis)},
                   {"inverse", Attr::Int(k.inverse)},
                   {"onesided", Attr::Int(k.onesided)}}));
    Converted c = ConvertAndCompare(g.graph(), {RandomInput(k.dims, 23)}, 1e-5f);
    ASSERT_TRUE(c.tf) << "axis " << k.axis;
    EXPECT_EQ(CountOps(*c.tf, "MatMul"), 1);
  }
}
TEST(IntegerToTfTest, SumsThatCouldRoundInFloat32AreRefused) {
  OnnxGraph g(10);
  ir::Value* a = g.Input("a", {2, 300}, DataType::kUInt8);
  ir::Value* b = g.Input("b", {300, 2}, DataType::kUInt8);
  g.Output(g.Op("MatMulInteger", "mmi_big", {a, b}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_NE(tf.status().message().find("MatMulInteger 'mmi_big'"), std::string::npos)
      << tf.status().message();
  EXPECT_NE(tf.status().message().find("300 products"), std::string::npos)
      << tf.status().message();
}

}  // namespace
}  // namespace ferry::convert::testing
