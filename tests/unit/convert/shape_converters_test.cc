// Converters for layout-moving and shape ops added for the conformance convert stage: Slice
// (StridedSlice), Split, Pad, ArgMax, LayerNormalization, Expand, Tile, ConstantOfShape, Size,
// Range; each against the ONNX runtime, with 4-D inputs that live NHWC where the op allows.
#include "convert_test_util.h"

namespace ferry::convert::testing {
namespace {

Tensor I64(std::vector<int64_t> v) {
  const int64_t n = static_cast<int64_t>(v.size());
  return Tensor::FromVector<int64_t>(v, Shape({n}));
}

TEST(SliceToTfTest, NhwcSliceWithNegativeStepAndClampedEnds) {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {1, 4, 6, 5});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 4, 1, 1})});
  g.Output(g.Op("Slice", "slice",
                {c, g.Const("starts", I64({1, -1, 0})), g.Const("ends", I64({3, -100, 1000})),
                 g.Const("axes", I64({1, 2, 3})), g.Const("steps", I64({1, -2, 2}))}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 4, 6, 5}, 1)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "StridedSlice"), 1);
  EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);  // only at the boundary
}

TEST(SliceToTfTest, ShapeArithmeticIsFolded) {
  OnnxGraph g;
  ir::Value* x = g.Input("x", {2, 3, 4});
  ir::Value* s = g.Op("Shape", "shape", {x});
  ir::Value* tail = g.Op("Slice", "tail", {s, g.Const("st", I64({1})), g.Const("en", I64({3}))});
  ir::Value* shape = g.Op("Concat", "cat", {g.Const("minus1", I64({-1})), tail},
                          {{"axis", Attr::Int(0)}});
  g.Output(g.Op("Reshape", "reshape", {x, shape}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 4}, 2)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "StridedSlice"), 0);
  EXPECT_EQ(CountOps(*r.tf, "Shape"), 0);
}

TEST(SplitToTfTest, UnequalPartsOnTheChannelAxis) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {1, 6, 3, 3});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {6, 6, 1, 1})});
  ir::Node* split = g.Node("Split", "split", {c, g.Const("sizes", I64({1, 2, 3}))},
                           {{"axis", Attr::Int(1)}}, 3);
  for (int i = 0; i < 3; ++i) g.Output(g.Op("Relu", "relu" + std::to_string(i), {split->output(i)}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 6, 3, 3}, 3)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "StridedSlice"), 3);
}

TEST(PadToTfTest, ConstantValueAndReflect) {
  for (const char* mode : {"constant", "reflect"}) {
    OnnxGraph g(13);
    ir::Value* x = g.Input("x", {1, 2, 4, 4});
    ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {2, 2, 1, 1})});
    std::vector<ir::Value*> ins = {c, g.Const("pads", I64({0, 0, 1, 2, 0, 0, 3, 1}))};
    if (std::string(mode) == "constant") ins.push_back(g.Const("v", Tensor::Scalar<float>(0.5f)));
    g.Output(g.Op("Pad", "pad", ins, {{"mode", Attr::String(mode)}}));
    SCOPED_TRACE(mode);
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 4, 4}, 4)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, std::string(mode) == "constant" ? "PadV2" : "MirrorPad"), 1);
  }
}

TEST(PadToTfTest, EdgeModeWithWidePadsGathersClampedIndices) {
  // MirrorPad SYMMETRIC repeats the border only for pads <= 1; wider edge pads are GatherV2s.
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {1, 2, 4, 4});
  g.Output(g.Op("Pad", "pad_edge", {x, g.Const("pads", I64({0, 0, 2, 2, 0, 0, 2, 2}))},
                {{"mode", Attr::String("edge")}}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 4, 4}, 5)}, 0.f);
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "GatherV2"), 2);
  EXPECT_EQ(CountOps(*r.tf, "MirrorPad"), 0);
}

TEST(ArgMaxToTfTest, KeepdimsAndNot) {
  for (int keep : {0, 1}) {
    OnnxGraph g(13);
    ir::Value* x = g.Input("x", {2, 5, 3});
    g.Output(g.Op("ArgMax", "am", {x}, {{"axis", Attr::Int(1)}, {"keepdims", Attr::Int(keep)}}));
    g.Output(g.Op("ArgMin", "an", {x}, {{"axis", Attr::Int(-1)}, {"keepdims", Attr::Int(keep)}}));
    SCOPED_TRACE(keep);
    ConvertAndCompare(g.graph(), {RandomInput({2, 5, 3}, 5)});
  }
}

TEST(ArgMaxToTfTest, SelectLastIndexPicksTheLastTie) {
  OnnxGraph g(13);
  g.Output(g.Op("ArgMax", "am_last", {g.Input("x", {3, 4})}, {{"select_last_index", Attr::Int(1)}}));
  // Ties in every row: the last maximum must win.
  Tensor x = Tensor::FromVector<float>({1, 3, 3, 0, 2, 2, 2, 2, 5, 1, 5, 5}, Shape{3, 4});
  Converted c = ConvertAndCompare(g.graph(), {x}, 0.f);
  ASSERT_TRUE(c.tf);
}

TEST(LayerNormalizationToTfTest, MatchesWithAllOutputs) {
  OnnxGraph g(17);
  ir::Value* x = g.Input("x", {2, 3, 8});
  ir::Node* ln = g.Node("LayerNormalization", "ln", {x, g.Random("scale", {8}), g.Random("bias", {8})},
                        {{"axis", Attr::Int(-1)}, {"epsilon", Attr::Float(1e-3f)}}, 3);
  for (int i = 0; i < 3; ++i) g.Output(ln->output(i));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3, 8}, 6)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Rsqrt"), 1);
}

TEST(ExpandTileToTfTest, BroadcastToAndTile) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {3, 1});
  g.Output(g.Op("Expand", "expand", {x, g.Const("shape", I64({2, 1, 4}))}));
  g.Output(g.Op("Tile", "tile", {x, g.Const("reps", I64({2, 3}))}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({3, 1}, 7)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "BroadcastTo"), 1);
  EXPECT_EQ(CountOps(*r.tf, "Tile"), 1);
}

TEST(ShapeOpsToTfTest, ConstantOfShapeSizeRangeFoldWhenStatic) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {2, 3});
  ir::Value* fill = g.Op("ConstantOfShape", "cos", {g.Op("Shape", "shape", {x})},
                         {{"value", Attr::FromTensor(Tensor::FromVector<float>({2.f}, Shape({1})))}});
  ir::Value* n = g.Op("Cast", "n", {g.Op("Size", "size", {x})}, {{"to", Attr::Int(1)}});
  ir::Value* range = g.Op("Range", "range", {g.Const("s", Tensor::Scalar<float>(0.f)), n,
                                             g.Const("d", Tensor::Scalar<float>(1.5f))});
  g.Output(g.Op("Mul", "mul", {x, fill}));
  g.Output(range);
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 3}, 8)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "Fill"), 0);
  EXPECT_EQ(CountOps(*r.tf, "Range"), 0);
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

TEST(ResizeToTfTest, BilinearAndNearestModesRunNhwc) {
  struct Case {
    const char* mode;
    const char* coord;
    const char* nearest;
    const char* tf_op;
  };
  for (const Case& c : {Case{"linear", "half_pixel", "floor", "ResizeBilinear"},
                        Case{"linear", "align_corners", "floor", "ResizeBilinear"},
                        Case{"linear", "asymmetric", "floor", "ResizeBilinear"},
                        Case{"nearest", "asymmetric", "floor", "ResizeNearestNeighbor"},
                        Case{"nearest", "half_pixel", "round_prefer_ceil", "ResizeNearestNeighbor"}}) {
    OnnxGraph g(13);
    ir::Value* x = g.Input("x", {1, 2, 3, 4});
    ir::Value* conv = g.Op("Conv", "conv", {x, g.Random("w", {2, 2, 1, 1})});
    ir::Value* empty = g.Const("roi", Tensor(DataType::kFloat32, Shape({0})));
    ir::Value* scales = g.Const("scales", Tensor::FromVector<float>({1.f, 1.f, 2.f, 1.5f}, Shape({4})));
    g.Output(g.Op("Resize", "resize", {conv, empty, scales},
                  {{"mode", Attr::String(c.mode)},
                   {"coordinate_transformation_mode", Attr::String(c.coord)},
                   {"nearest_mode", Attr::String(c.nearest)}}));
    SCOPED_TRACE(std::string(c.mode) + " " + c.coord);
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({1, 2, 3, 4}, 31)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, c.tf_op), 1);
    EXPECT_EQ(CountOps(*r.tf, "Transpose"), 2);
  }
}

TEST(ResizeToTfTest, CubicIsAnErrorNamingTheAttribute) {
  OnnxGraph g(13);
  ir::Value* x = g.Input("x", {1, 2, 3, 4});
  ir::Value* empty = g.Const("roi", Tensor(DataType::kFloat32, Shape({0})));
  ir::Value* scales = g.Const("scales", Tensor::FromVector<float>({1.f, 1.f, 2.f, 2.f}, Shape({4})));
  g.Output(g.Op("Resize", "cubic", {x, empty, scales}, {{"mode", Attr::String("cubic")}}));
  auto tf = ConvertOnnxToTf(*g.graph());
  ASSERT_FALSE(tf.ok());
  EXPECT_NE(tf.status().message().find("Resize 'cubic': attribute 'mode'"), std::string::npos)
      << tf.status().message();
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

TEST(GatherElementsToTfTest, NegativeIndicesOnEachAxis) {
  for (int axis : {0, 1, -1}) {
    OnnxGraph g(13);
    ir::Value* x = g.Input("x", {3, 4, 2});
    Tensor idx = Tensor::FromVector<int64_t>({0, -1, 1, 1, 0, 1, -2, 0, 1, 1, 0, -1},
                                             Shape({2, 3, 2}));
    g.Output(g.Op("GatherElements", "ge", {x, g.Const("idx", idx)}, {{"axis", Attr::Int(axis)}}));
    SCOPED_TRACE(axis);
    Converted r = ConvertAndCompare(g.graph(), {RandomInput({3, 4, 2}, 41)});
    ASSERT_TRUE(r.tf);
    EXPECT_EQ(CountOps(*r.tf, "GatherNd"), 1);
  }
}

TEST(TriluToTfTest, KComputedAtRunTime) {
  OnnxGraph g(14);
  ir::Value* x = g.Input("x", {4, 5});
  ir::Value* k = g.Input("k", {}, DataType::kInt64);
  g.Output(g.Op("Trilu", "tri", {x, k}));
  Tensor kv = Tensor::Scalar<int64_t>(-1);
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({4, 5}, 42), kv});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "GreaterEqual"), 1);
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

TEST(MatMulToTfTest, BatchedWithBroadcastBatchDims) {
  OnnxGraph g(13);
  ir::Value* a = g.Input("a", {2, 1, 3, 4});
  ir::Value* w = g.Input("w", {5, 4, 6});
  g.Output(g.Op("MatMul", "mm", {a, w}));
  Converted r = ConvertAndCompare(g.graph(), {RandomInput({2, 1, 3, 4}, 51), RandomInput({5, 4, 6}, 52)});
  ASSERT_TRUE(r.tf);
  EXPECT_EQ(CountOps(*r.tf, "BatchMatMulV2"), 1);
}

}  // namespace
}  // namespace ferry::convert::testing
