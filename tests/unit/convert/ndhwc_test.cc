// Issue 4's layout rule for 5-D tensors: a 3-D convnet's NCDHW values live NDHWC inside the
// converted TF graph (passes/to_nhwc.h), so that its only Transposes are at the graph's 5-D
// inputs and outputs. Each model is built here, converted, and run in ferry's TF runtime
// against ferry's ONNX runtime on the same seeded input, at batch 1 and 3 (dynamic batch).
#include <string>
#include <utility>
#include <vector>

#include "convert/onnx_to_tf/op_converter.h"
#include "convert_test_util.h"
#include "tf/graph_def.h"

namespace ferry::convert::testing {
namespace {

using Attrs = std::vector<std::pair<std::string, Attr>>;

Attr Ints(std::vector<int64_t> v) { return Attr::Ints(std::move(v)); }

ir::Value* ConstVec(OnnxGraph& g, const std::string& name, const std::vector<float>& v,
                    const std::vector<int64_t>& dims) {
  return g.Const(name, Tensor::FromVector<float>(v, Shape(dims)));
}

// Converts `g` with default options and compares it with the ONNX runtime at batch 1 and 3
// (`dims`: the input's dims after the batch), expecting `transposes` Transposes each time.
void ExpectTransposesAtBatch1And3(const OnnxGraph& g, std::vector<int64_t> dims, uint32_t seed,
                                  int transposes, const std::string& what = "") {
  for (int64_t batch : {1, 3}) {
    std::vector<int64_t> in = {batch};
    in.insert(in.end(), dims.begin(), dims.end());
    Converted cv = ConvertAndCompare(g.graph(), {RandomInput(in, seed)});
    ASSERT_TRUE(cv.tf);
    EXPECT_EQ(CountOps(*cv.tf, "Transpose"), transposes) << what << " batch " << batch;
  }
}

// Converts with `options`, runs ONNX on `inputs` and TF on `tf_inputs` (the same data, in the
// layout the TF signature takes), and checks every output agrees.
std::shared_ptr<ir::Graph> ConvertRunCompare(const std::shared_ptr<ir::Graph>& onnx,
                                             const ConvertOptions& options,
                                             const std::vector<Tensor>& inputs,
                                             const std::vector<Tensor>& tf_inputs,
                                             float atol = 1e-4f) {
  auto tf = ConvertOnnxToTf(*onnx, options);
  EXPECT_TRUE(tf.ok()) << tf.status().ToString();
  if (!tf.ok()) return nullptr;
  auto os = runtime::Session::Create(onnx, onnx::OnnxOpSet());
  auto ts = runtime::Session::Create(*tf, tf::TfOpSet());
  EXPECT_TRUE(os.ok() && ts.ok());
  if (!os.ok() || !ts.ok()) return nullptr;
  auto oy = (*os)->Run(inputs);
  auto ty = (*ts)->Run(tf_inputs);
  EXPECT_TRUE(oy.ok()) << oy.status().ToString();
  EXPECT_TRUE(ty.ok()) << ty.status().ToString();
  if (!oy.ok() || !ty.ok()) return nullptr;
  EXPECT_EQ(oy->size(), ty->size());
  for (size_t i = 0; i < std::min(oy->size(), ty->size()); ++i) {
    EXPECT_EQ((*oy)[i].shape(), (*ty)[i].shape()) << "output " << i;
    if ((*oy)[i].shape() == (*ty)[i].shape())
      EXPECT_LE(MaxAbsDiff((*oy)[i], (*ty)[i]), atol) << "output " << i;
  }
  return *tf;
}

// Conv3d (pads, stride) -> BatchNorm -> Relu -> MaxPool3d -> Conv3d -> Add (residual) ->
// Concat (channels) -> Softmax (channels) -> AveragePool3d (pads) -> ReduceMean (D) -> Mul by
// a per-channel constant -> GlobalAveragePool -> Flatten -> Gemm. Input [N, 2, 8, 10, 10].
std::shared_ptr<ir::Graph> ConvNet3D() {
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 2, 8, 10, 10});
  ir::Value* c1 = g.Op("Conv", "conv1", {x, g.Random("w1", {4, 2, 3, 3, 3}), g.Random("b1", {4})},
                       {{"pads", Ints({1, 1, 1, 1, 1, 1})}, {"strides", Ints({1, 2, 2})}});
  ir::Value* bn = g.Op("BatchNormalization", "bn",
                       {c1, g.Random("scale", {4}, 0.2f, 1.f), g.Random("shift", {4}),
                        g.Random("mean", {4}), g.Random("var", {4}, 0.1f, 1.f)});
  ir::Value* relu = g.Op("Relu", "relu", {bn});
  ir::Value* mp = g.Op("MaxPool", "maxpool", {relu},
                       {{"kernel_shape", Ints({2, 3, 3})},
                        {"strides", Ints({2, 1, 1})},
                        {"pads", Ints({0, 1, 1, 0, 1, 1})}});  // [N, 4, 4, 5, 5]
  ir::Value* c2 = g.Op("Conv", "conv2", {mp, g.Random("w2", {4, 4, 3, 3, 3})},
                       {{"pads", Ints({1, 1, 1, 1, 1, 1})}});
  ir::Value* add = g.Op("Add", "residual", {c2, mp});
  ir::Value* cat = g.Op("Concat", "concat", {add, mp}, {{"axis", Attr::Int(1)}});  // 8 channels
  ir::Value* sm = g.Op("Softmax", "softmax", {cat}, {{"axis", Attr::Int(1)}});
  ir::Value* ap = g.Op("AveragePool", "avgpool", {sm},
                       {{"kernel_shape", Ints({2, 3, 3})},
                        {"strides", Ints({2, 2, 2})},
                        {"pads", Ints({0, 1, 1, 0, 1, 1})}});  // [N, 8, 2, 3, 3]
  ir::Value* rm = g.Op("ReduceMean", "reduce_d", {ap},
                       {{"axes", Ints({2})}, {"keepdims", Attr::Int(1)}});  // [N, 8, 1, 3, 3]
  ir::Value* scaled =
      g.Op("Mul", "channel_scale",
           {rm, ConstVec(g, "per_channel", {1, 2, 3, 4, 5, 6, 7, 8}, {8, 1, 1, 1})});
  ir::Value* gap = g.Op("GlobalAveragePool", "gap", {scaled});
  ir::Value* flat = g.Op("Flatten", "flatten", {gap}, {{"axis", Attr::Int(1)}});
  g.Output(g.Op("Gemm", "fc", {flat, g.Random("fc_w", {8, 5}), g.Random("fc_b", {5})}));
  return g.graph();
}

ir::Value* I64(OnnxGraph& g, const std::string& name, const std::vector<int64_t>& v) {
  return g.Const(name, Tensor::FromVector<int64_t>(v, Shape{static_cast<int64_t>(v.size())}));
}

TEST(NdhwcTest, AxisOpsRemapOnNdhwc) {
  // Pad (D and W), Slice (D and C), Split (channels), PRelu (per-channel slope) and a
  // Transpose swapping H and W of NDHWC values: their axes are remapped, no Transpose is
  // added, and the Transpose's perm is composed with the layout's.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 4, 5, 6});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {6, 3, 1, 1, 1})});
  ir::Value* p = g.Op("Pad", "pad", {c, I64(g, "pads", {0, 0, 1, 0, 2, 0, 0, 1, 0, 0})});
  ir::Value* sl =
      g.Op("Slice", "slice",  // [N, 6, 6, 5, 8] -> D 1..5, C 0..4: [N, 4, 4, 5, 8]
           {p, I64(g, "starts", {1, 0}), I64(g, "ends", {5, 4}), I64(g, "axes", {2, 1})});
  ir::Node* sp =
      g.Node("Split", "split", {sl, I64(g, "split", {2, 2})}, {{"axis", Attr::Int(1)}}, 2);
  ir::Value* m = g.Op("Mul", "mul", {sp->output(0), sp->output(1)});
  ir::Value* pr = g.Op("PRelu", "prelu", {m, ConstVec(g, "slope", {0.1f, -0.2f}, {2, 1, 1, 1})});
  ir::Value* t = g.Op("Transpose", "swap_hw", {pr}, {{"perm", Ints({0, 1, 2, 4, 3})}});
  g.Output(t);  // [N, 2, 4, 8, 5], NCDHW
  g.Output(g.Op("Shape", "shape", {pr}));
  // The input's, and the model's own Transpose (composed: NDHWC in, NCDHW out).
  ExpectTransposesAtBatch1And3(g, {3, 4, 5, 6}, 14, 2);
}

TEST(NdhwcTest, ConvNet3DHasOneTransposeAndMatches) {
  const auto onnx = ConvNet3D();
  for (int64_t batch : {1, 3}) {
    Converted c = ConvertAndCompare(onnx, {RandomInput({batch, 2, 8, 10, 10}, 7)});
    ASSERT_TRUE(c.tf);
    EXPECT_EQ(CountOps(*c.tf, "Transpose"), 1) << "batch " << batch << ": the 5-D input only";
    for (const std::string op : {"Conv3D", "MaxPool3D", "AvgPool3D", "Softmax", "ConcatV2"})
      EXPECT_NE(FindOp(*c.tf, op), nullptr) << op;
    // The Concat and the Softmax run on NDHWC: channels are the last axis.
    const ir::Node* cat = FindOp(*c.tf, "ConcatV2");
    ASSERT_TRUE(cat && cat->input(cat->num_inputs() - 1)->is_constant());
    EXPECT_EQ(cat->input(cat->num_inputs() - 1)->constant().ToInt64Vector(),
              (std::vector<int64_t>{4}));
    // --per-node's record: conv1's [N, 4, 8, 5, 5] lives as [N, 8, 5, 5, 4].
    std::vector<int64_t> conv_perm;
    for (const tf::SourceValue& sv : tf::GetSourceValues(*c.tf))
      if (sv.source == "conv1_out0") conv_perm = sv.perm;
    EXPECT_EQ(conv_perm, (std::vector<int64_t>{0, 2, 3, 4, 1}));
  }
}

TEST(NdhwcTest, ConvNet3DKeepNchwStillMatches) {
  const auto onnx = ConvNet3D();
  ConvertOptions o;
  o.keep_nchw = true;
  for (int64_t batch : {1, 3}) {
    const Tensor x = RandomInput({batch, 2, 8, 10, 10}, 8);
    auto tf = ConvertRunCompare(onnx, o, {x}, {x});
    ASSERT_TRUE(tf);
    // Everything else stays NCDHW, so each channels-last run of native ops (conv1 + bn,
    // maxpool + conv2, avgpool, gap) gets a Transpose in, and each NDHWC value read by an
    // NCDHW op one out (9: input, bn, relu, conv2, maxpool read by the Add, softmax,
    // avgpool, channel_scale, gap), and the NCDHW Softmax over axis 1 swaps it with the
    // last axis and back (2).
    EXPECT_EQ(CountOps(*tf, "Transpose"), 11) << "batch " << batch;
    EXPECT_NE(FindOp(*tf, "Conv3D"), nullptr);
  }
}

TEST(NdhwcTest, InputLayoutNdhwcNeedsNoTranspose) {
  const auto onnx = ConvNet3D();
  ConvertOptions o;
  o.input_nhwc = true;
  for (int64_t batch : {1, 3}) {
    const Tensor x = RandomInput({batch, 2, 8, 10, 10}, 9);
    auto tf = ConvertRunCompare(onnx, o, {x}, {onnx_to_tf::TransposeTensor(x, {0, 2, 3, 4, 1})});
    ASSERT_TRUE(tf);
    EXPECT_EQ(CountOps(*tf, "Transpose"), 0) << "batch " << batch;
    ASSERT_EQ(tf->inputs().size(), 1u);
    const auto& shape = *tf->inputs()[0]->info().shape;
    ASSERT_EQ(shape.size(), 5u);
    EXPECT_EQ(shape[1].value, 8);  // [N, D, H, W, C]
    EXPECT_EQ(shape[4].value, 2);
  }
}

TEST(NdhwcTest, FiveDimOutputAndFlattenIntoGemm) {
  // Conv3d is a graph output (back to NCDHW: one Transpose), and Conv3d -> Relu -> Flatten
  // of a non-unit D*H*W -> Gemm runs on the NDHWC flatten with the Gemm's rows permuted (a
  // flatten in NCDHW order would cost a third Transpose, of the Relu).
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 4, 5, 6});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 3, 3, 3, 3})},
                      {{"pads", Ints({1, 1, 1, 1, 1, 1})}, {"strides", Ints({2, 2, 2})}});
  g.Output(c);
  ir::Value* r = g.Op("Relu", "relu", {c});                                     // [N, 4, 2, 3, 3]
  ir::Value* flat = g.Op("Flatten", "flatten", {r}, {{"axis", Attr::Int(1)}});  // [N, 72]
  g.Output(g.Op("Gemm", "fc", {flat, g.Random("fc_w", {72, 6})}));
  ExpectTransposesAtBatch1And3(g, {3, 4, 5, 6}, 10, 2, "input and 5-D output:");
}

TEST(NdhwcTest, FlattenToGraphOutputGoesBackToNcdhw) {
  // A flatten of a non-unit D*H*W that no Gemm reads is computed in ONNX's order: one
  // Transpose back to NCDHW before it.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 2, 3, 4, 4});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 2, 1, 1, 1})});
  g.Output(g.Op("Flatten", "flatten", {c}, {{"axis", Attr::Int(1)}}));
  ExpectTransposesAtBatch1And3(g, {2, 3, 4, 4}, 11, 2);
}

TEST(NdhwcTest, ModelsOwnPermuteToChannelsLastCostsNothing) {
  // x.permute(0, 2, 3, 4, 1) after a Conv3d, then a LayerNorm-like Reduce over the last axis
  // and the permute back: both permutes fold into the NDHWC layout.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 3, 4, 5, 6});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {4, 3, 1, 1, 1})});
  ir::Value* t = g.Op("Transpose", "to_last", {c}, {{"perm", Ints({0, 2, 3, 4, 1})}});
  ir::Value* m =
      g.Op("ReduceMean", "mean_c", {t}, {{"axes", Ints({-1})}, {"keepdims", Attr::Int(1)}});
  ir::Value* s = g.Op("Sub", "center", {t, m});
  ir::Value* back = g.Op("Transpose", "to_first", {s}, {{"perm", Ints({0, 4, 1, 2, 3})}});
  g.Output(g.Op("Conv", "conv2", {back, g.Random("w2", {2, 4, 1, 1, 1})}));
  ExpectTransposesAtBatch1And3(g, {3, 4, 5, 6}, 12, 2, "graph input, output:");
}

TEST(NdhwcTest, NormalisationsAndGlobalPoolsOnNdhwc) {
  // InstanceNormalization, LeakyRelu, GlobalMaxPool, ArgMax over the channels (keepdims) and
  // a Concat with a product by a 5-D constant, all on NDHWC values: Transposes only at the input
  // and the 5-D graph outputs.
  OnnxGraph g;
  ir::Value* x = g.Input("input", {-1, 2, 3, 4, 5});
  ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 2, 1, 1, 1})});
  ir::Value* in = g.Op("InstanceNormalization", "inorm",
                       {c, g.Random("in_scale", {3}, 0.2f, 1.f), g.Random("in_bias", {3})});
  ir::Value* lr = g.Op("LeakyRelu", "leaky", {in}, {{"alpha", Attr::Float(0.1f)}});
  ir::Value* scaled = g.Op("Mul", "scale", {lr, g.Random("extra", {1, 3, 3, 4, 5})});
  ir::Value* cat = g.Op("Concat", "concat", {lr, scaled}, {{"axis", Attr::Int(1)}});
  g.Output(g.Op("GlobalMaxPool", "gmp", {cat}));                              // [N, 6, 1, 1, 1]
  ir::Value* am = g.Op("ArgMax", "argmax", {cat}, {{"axis", Attr::Int(1)}});  // [N, 1, 3, 4, 5]
  g.Output(g.Op("Cast", "cast", {am}, {{"to", Attr::Int(1)}}));
  g.Output(lr);
  // The input's and LeakyRelu's (a graph output); those back to NCDHW of the GlobalMaxPool
  // and ArgMax outputs move a unit axis only, so the fold pass makes them Reshapes.
  ExpectTransposesAtBatch1And3(g, {2, 3, 4, 5}, 15, 2);
}

TEST(NdhwcTest, ReductionThatReordersAxesGetsNcdhw) {
  // A reduction without keepdims of an NDHWC value: dropping C (axis 1) leaves [N, D, H, W]
  // in NDHWC's own order, so it runs there (only the input's Transpose); dropping D leaves
  // [N, C, H, W], not in that order, so it runs on NCDHW (one Transpose back).
  for (const auto& [axis, transposes] : {std::pair<int64_t, int>{1, 1}, {2, 2}, {-1, 2}}) {
    OnnxGraph g;
    ir::Value* x = g.Input("input", {-1, 2, 3, 4, 5});
    ir::Value* c = g.Op("Conv", "conv", {x, g.Random("w", {3, 2, 1, 1, 1})});
    g.Output(
        g.Op("ReduceMax", "reduce", {c}, {{"axes", Ints({axis})}, {"keepdims", Attr::Int(0)}}));
    ExpectTransposesAtBatch1And3(g, {2, 3, 4, 5}, 13, transposes,
                                 "axis " + std::to_string(axis) + ",");
  }
}

}  // namespace
}  // namespace ferry::convert::testing
