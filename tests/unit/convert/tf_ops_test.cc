// The TF op set on its own: hand-built IR(tf) graphs through runtime::Session with
// TfOpSet(), checked against hand maths or the reference kernels (in NHWC).
#include <limits>

#include "convert_test_util.h"
#include "kernels/reference/conv.h"

namespace ferry::convert::testing {
namespace {

class TfGraph {
 public:
  TfGraph() : g_(std::make_shared<ir::Graph>()) { g_->opset_imports()["tf"] = 1; }
  ir::Value* Input(const std::string& name, DataType t = DataType::kFloat32) {
    ir::ValueInfo info;
    info.dtype = t;
    ir::Value* v = g_->AddValue(name, info);
    g_->inputs().push_back(v);
    return v;
  }
  ir::Value* Const(const std::string& name, Tensor t) {
    return g_->AddConstant(name, std::move(t));
  }
  ir::Value* Op(const std::string& op, std::vector<ir::Value*> in,
                std::vector<std::pair<std::string, Attr>> attrs = {}) {
    const std::string name = g_->UniqueName(op);
    ir::Node* n = g_->AddNode(op, "tf", name, std::move(in), {name});
    for (auto& [k, a] : attrs) n->set_attr(k, std::move(a));
    return n->output(0);
  }
  void Output(ir::Value* v) { g_->outputs().push_back(v); }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& in) {
    FERRY_ASSIGN_OR_RETURN(auto s, runtime::Session::Create(g_, tf::TfOpSet()));
    return s->Run(in);
  }

 private:
  std::shared_ptr<ir::Graph> g_;
};

Tensor I32(std::vector<int32_t> v, Shape s) { return Tensor::FromVector<int32_t>(v, s); }
std::vector<float> F(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.NumElements());
}

TEST(TfOpsTest, Conv2DSameAndExplicitMatchReferenceKernel) {
  for (const std::string padding : {"SAME", "VALID", "EXPLICIT"}) {
    TfGraph g;
    ir::Value* x = g.Input("x");
    Tensor w = RandomInput({3, 3, 2, 4}, 31);
    std::vector<std::pair<std::string, Attr>> attrs = {{"strides", Attr::Ints({1, 2, 2, 1})},
                                                       {"padding", Attr::String(padding)},
                                                       {"data_format", Attr::String("NHWC")},
                                                       {"T", Attr::Type(DataType::kFloat32)}};
    if (padding == "EXPLICIT")
      attrs.push_back({"explicit_paddings", Attr::Ints({0, 0, 2, 0, 1, 1, 0, 0})});
    g.Output(g.Op("Conv2D", {x, g.Const("w", w)}, attrs));
    Tensor in = RandomInput({2, 7, 6, 2}, 32);
    auto y = g.Run({in});
    ASSERT_TRUE(y.ok()) << padding << ": " << y.status().ToString();
    kernels::ConvParams p;
    p.layout = kernels::Layout::kNHWC;
    p.weight_layout = kernels::WeightLayout::kHWIO;
    p.batch = 2;
    p.in_h = 7;
    p.in_w = 6;
    p.in_channels = 2;
    p.out_channels = 4;
    p.kernel_h = p.kernel_w = 3;
    p.stride_h = p.stride_w = 2;
    if (padding == "SAME") {  // out 4x3: totals 2 (1/1) and 1 (0/1): odd element after
      p.pad_top = p.pad_bottom = 1;
      p.pad_left = 0;
      p.pad_right = 1;
    } else if (padding == "EXPLICIT") {
      p.pad_top = 2;
      p.pad_left = p.pad_right = 1;
    }
    Tensor want(DataType::kFloat32, Shape{2, p.out_h(), p.out_w(), 4});
    kernels::reference::Conv2D(p, in.data<float>(), w.data<float>(), nullptr, want.data<float>());
    ASSERT_EQ((*y)[0].shape(), want.shape()) << padding;
    EXPECT_LE(MaxAbsDiff((*y)[0], want), 1e-5f) << padding;
  }
}

TEST(TfOpsTest, DepthwiseMultiplierChannelOrder) {
  // 1x1 depthwise with multiplier 2: output channel c*2+m = x[c] * w[c][m].
  TfGraph g;
  ir::Value* x = g.Input("x");
  Tensor w = Tensor::FromVector<float>({1, 10, 2, 20, 3, 30}, Shape{1, 1, 3, 2});
  g.Output(g.Op("DepthwiseConv2dNative", {x, g.Const("w", w)},
                {{"strides", Attr::Ints({1, 1, 1, 1})}, {"padding", Attr::String("VALID")}}));
  auto y = g.Run({Tensor::FromVector<float>({1, 2, 3}, Shape{1, 1, 1, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{1, 10, 4, 40, 9, 90}));
}

TEST(TfOpsTest, NchwDataFormatIsRejectedAtCreate) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  g.Output(g.Op("Conv2D", {x, g.Const("w", RandomInput({1, 1, 1, 1}, 1))},
                {{"strides", Attr::Ints({1, 1, 1, 1})},
                 {"padding", Attr::String("VALID")},
                 {"data_format", Attr::String("NCHW")}}));
  auto y = g.Run({RandomInput({1, 1, 2, 2}, 2)});
  ASSERT_FALSE(y.ok());
  EXPECT_NE(y.status().message().find("NCHW"), std::string::npos) << y.status().ToString();
}

TEST(TfOpsTest, AvgPoolSameCountsOnlyRealElementsMaxPoolIgnoresPadding) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  const std::vector<std::pair<std::string, Attr>> a = {{"ksize", Attr::Ints({1, 2, 2, 1})},
                                                       {"strides", Attr::Ints({1, 2, 2, 1})},
                                                       {"padding", Attr::String("SAME")}};
  g.Output(g.Op("AvgPool", {x}, a));
  g.Output(g.Op("MaxPool", {x}, a));
  // 3x3 single channel, all negative: SAME pads 1 after; the edge windows hold 2 or 1 values.
  auto y =
      g.Run({Tensor::FromVector<float>({-1, -2, -3, -4, -5, -6, -7, -8, -9}, Shape{1, 3, 3, 1})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{-3, -4.5f, -7.5f, -9}));
  EXPECT_EQ(F((*y)[1]), (std::vector<float>{-1, -3, -7, -9}));
}

TEST(TfOpsTest, MeanKeepDimsOverHw) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  g.Output(
      g.Op("Mean", {x, g.Const("ax", I32({1, 2}, Shape{2}))}, {{"keep_dims", Attr::Bool(true)}}));
  auto y = g.Run({Tensor::FromVector<float>({1, 10, 2, 20, 3, 30, 4, 40}, Shape{1, 2, 2, 2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), (Shape{1, 1, 1, 2}));
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{2.5f, 25}));
}

TEST(TfOpsTest, MatMulTransposesAndBiasAdd) {
  TfGraph g;
  ir::Value* a = g.Input("a");
  ir::Value* mm =
      g.Op("MatMul", {a, g.Const("b", Tensor::FromVector<float>({1, 2, 3, 4, 5, 6}, Shape{3, 2}))},
           {{"transpose_a", Attr::Bool(true)}, {"transpose_b", Attr::Bool(true)}});
  g.Output(
      g.Op("BiasAdd", {mm, g.Const("bias", Tensor::FromVector<float>({100, 200, 300}, Shape{3}))}));
  // a is [2, 1] read as [1, 2] = [1, 1]; b^T is [2, 3].
  auto y = g.Run({Tensor::FromVector<float>({1, 1}, Shape{2, 1})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{103, 207, 311}));
}

TEST(TfOpsTest, BatchMatMulV2AdjointsAndBroadcastBatchMatchLoops) {
  // x [2, 1, 3, 4] read as [.., 4, 3] with adj_x; y [3, 5, 4] read as [.., 4, 5] with adj_y;
  // batch [2, 1] x [3] broadcasts to [2, 3]. Checked against plain loops.
  for (bool adj_x : {false, true}) {
    for (bool adj_y : {false, true}) {
      const int64_t m = 4, k = 3, n = 5;
      const Tensor x = RandomInput(adj_x ? std::vector<int64_t>{2, 1, k, m}
                                         : std::vector<int64_t>{2, 1, m, k}, 11);
      const Tensor y = RandomInput(adj_y ? std::vector<int64_t>{3, n, k}
                                         : std::vector<int64_t>{3, k, n}, 12);
      TfGraph g;
      ir::Value* xv = g.Input("x");
      ir::Value* yv = g.Input("y");
      g.Output(g.Op("BatchMatMulV2", {xv, yv},
                    {{"adj_x", Attr::Bool(adj_x)}, {"adj_y", Attr::Bool(adj_y)}}));
      auto z = g.Run({x, y});
      ASSERT_TRUE(z.ok()) << z.status().ToString();
      ASSERT_EQ((*z)[0].shape(), (Shape{2, 3, m, n}));
      for (int64_t b0 = 0; b0 < 2; ++b0)
        for (int64_t b1 = 0; b1 < 3; ++b1)
          for (int64_t i = 0; i < m; ++i)
            for (int64_t j = 0; j < n; ++j) {
              double want = 0;
              for (int64_t t = 0; t < k; ++t) {
                const float xa = x.data<float>()[b0 * m * k + (adj_x ? t * m + i : i * k + t)];
                const float yb = y.data<float>()[b1 * k * n + (adj_y ? j * k + t : t * n + j)];
                want += double(xa) * yb;
              }
              const float got = (*z)[0].data<float>()[((b0 * 3 + b1) * m + i) * n + j];
              EXPECT_NEAR(got, want, 1e-5) << adj_x << adj_y << " at " << b0 << b1 << i << j;
            }
    }
  }
}

TEST(TfOpsTest, PadV2ConcatGatherReshapeTranspose) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  const float ninf = -std::numeric_limits<float>::infinity();
  g.Output(g.Op("PadV2", {x, g.Const("p", I32({1, 0, 0, 1}, Shape{2, 2})),
                          g.Const("c", Tensor::Scalar<float>(ninf))}));
  g.Output(
      g.Op("ConcatV2", {x, x, g.Const("ax", Tensor::Scalar<int32_t>(1))}, {{"N", Attr::Int(2)}}));
  g.Output(g.Op("GatherV2", {x, g.Const("i", I32({1, 0}, Shape{2})),
                             g.Const("a0", Tensor::Scalar<int32_t>(1))}));
  g.Output(g.Op("Reshape", {x, g.Const("s", I32({-1}, Shape{1}))}));
  g.Output(g.Op("Transpose", {x, g.Const("perm", I32({1, 0}, Shape{2}))}));
  auto y = g.Run({Tensor::FromVector<float>({1, 2, 3, 4}, Shape{2, 2})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), (Shape{3, 3}));
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{ninf, ninf, ninf, 1, 2, ninf, 3, 4, ninf}));
  EXPECT_EQ(F((*y)[1]), (std::vector<float>{1, 2, 1, 2, 3, 4, 3, 4}));
  EXPECT_EQ(F((*y)[2]), (std::vector<float>{2, 1, 4, 3}));
  EXPECT_EQ((*y)[3].shape(), (Shape{4}));
  EXPECT_EQ(F((*y)[4]), (std::vector<float>{1, 3, 2, 4}));
}

TEST(TfOpsTest, ShapeExpandDimsSqueeze) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  g.Output(g.Op("Shape", {x}, {{"out_type", Attr::Type(DataType::kInt32)}}));
  ir::Value* e = g.Op("ExpandDims", {x, g.Const("d", Tensor::Scalar<int32_t>(-1))});
  g.Output(e);
  g.Output(g.Op("Squeeze", {e}, {{"squeeze_dims", Attr::Ints({2})}}));
  auto y = g.Run({RandomInput({2, 3}, 3)});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].dtype(), DataType::kInt32);
  EXPECT_EQ((*y)[0].ToInt64Vector(), (std::vector<int64_t>{2, 3}));
  EXPECT_EQ((*y)[1].shape(), (Shape{2, 3, 1}));
  EXPECT_EQ((*y)[2].shape(), (Shape{2, 3}));
}

TEST(TfOpsTest, ActivationsSoftmaxAndClip) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  g.Output(g.Op("Relu6", {x}));
  g.Output(g.Op("ClipByValue", {x, g.Const("lo", Tensor::Scalar<float>(-1)),
                                g.Const("hi", Tensor::Scalar<float>(1))}));
  g.Output(g.Op("Softmax", {x}));
  g.Output(g.Op("LogSoftmax", {x}));
  g.Output(g.Op("Maximum", {x, g.Const("z", Tensor::Scalar<float>(0))}));
  auto y = g.Run({Tensor::FromVector<float>({-3, 0.5f, 8}, Shape{1, 3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{0, 0.5f, 6}));
  EXPECT_EQ(F((*y)[1]), (std::vector<float>{-1, 0.5f, 1}));
  const double z = std::exp(-3.0) + std::exp(0.5) + std::exp(8.0);
  EXPECT_NEAR((*y)[2].data<float>()[2], std::exp(8.0) / z, 1e-6);
  EXPECT_NEAR((*y)[3].data<float>()[0], -3.0 - std::log(z), 1e-5);
  EXPECT_EQ(F((*y)[4]), (std::vector<float>{0, 0.5f, 8}));
}

TEST(TfOpsTest, BroadcastArithmeticAndShapeErrors) {
  TfGraph g;
  ir::Value* x = g.Input("x");
  g.Output(g.Op("AddV2", {x, g.Const("c", Tensor::FromVector<float>({10, 20}, Shape{2, 1}))}));
  g.Output(g.Op("RealDiv", {x, g.Const("d", Tensor::Scalar<float>(2))}));
  auto y = g.Run({Tensor::FromVector<float>({1, 2, 3}, Shape{3})});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  EXPECT_EQ((*y)[0].shape(), (Shape{2, 3}));
  EXPECT_EQ(F((*y)[0]), (std::vector<float>{11, 12, 13, 21, 22, 23}));
  EXPECT_EQ(F((*y)[1]), (std::vector<float>{0.5f, 1, 1.5f}));
  auto bad = g.Run({Tensor::FromVector<float>({1, 2, 3, 4}, Shape{4})});
  EXPECT_TRUE(bad.ok());  // [4] vs [2, 1] broadcasts to [2, 4]
  TfGraph h;
  ir::Value* x2 = h.Input("x");
  h.Output(h.Op("Sub", {x2, h.Const("c", Tensor::FromVector<float>({1, 2}, Shape{2}))}));
  auto err = h.Run({Tensor::FromVector<float>({1, 2, 3}, Shape{3})});
  ASSERT_FALSE(err.ok());
  EXPECT_NE(err.status().message().find("not broadcastable"), std::string::npos);
}

TEST(TfOpsTest, RegistryNamesEveryOpTheConverterEmits) {
  const auto names = tf::TfOpSet().OpNames();
  for (const char* op : {"tf:AddV2",
                         "tf:AvgPool",
                         "tf:BiasAdd",
                         "tf:ClipByValue",
                         "tf:ConcatV2",
                         "tf:Conv2D",
                         "tf:DepthwiseConv2dNative",
                         "tf:ExpandDims",
                         "tf:GatherV2",
                         "tf:Identity",
                         "tf:LogSoftmax",
                         "tf:MatMul",
                         "tf:MaxPool",
                         "tf:Maximum",
                         "tf:Mean",
                         "tf:Minimum",
                         "tf:Mul",
                         "tf:Pad",
                         "tf:PadV2",
                         "tf:RealDiv",
                         "tf:Relu",
                         "tf:Relu6",
                         "tf:Reshape",
                         "tf:Shape",
                         "tf:Sigmoid",
                         "tf:Softmax",
                         "tf:Sub",
                         "tf:Tanh",
                         "tf:Transpose"})
    EXPECT_NE(std::find(names.begin(), names.end(), op), names.end()) << op;
}

}  // namespace
}  // namespace ferry::convert::testing
