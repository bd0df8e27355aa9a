// TF ops the ONNX corpus reaches only in one configuration (the converter emits Conv3D and the
// 3-D pools with VALID padding after an explicit Pad, Conv2DBackpropInput with VALID, and
// Dilation2D with a zero filter):
// their SAME padding, dilations and strides checked against loops written from TF's op
// definitions (nn_ops.cc; SAME puts the odd padding element after).
#include <algorithm>
#include <cmath>
#include <limits>

#include "convert_test_util.h"

namespace ferry::convert::testing {
namespace {

using Attrs = std::vector<std::pair<std::string, Attr>>;

// One TF node over runtime input x and constant extra inputs.
StatusOr<Tensor> RunOne(const std::string& op, const std::vector<Tensor>& consts_before,
                        const Tensor& x, const std::vector<Tensor>& consts_after, Attrs attrs) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()["tf"] = 1;
  ir::ValueInfo info;
  info.dtype = DataType::kFloat32;
  ir::Value* in = g->AddValue("x", info);
  g->inputs().push_back(in);
  std::vector<ir::Value*> ins;
  int k = 0;
  for (const Tensor& c : consts_before) ins.push_back(g->AddConstant("c" + std::to_string(k++), c));
  ins.push_back(in);
  for (const Tensor& c : consts_after) ins.push_back(g->AddConstant("c" + std::to_string(k++), c));
  ir::Node* n = g->AddNode(op, "tf", "op", ins, {"y"});
  for (auto& [name, a] : attrs) n->set_attr(name, std::move(a));
  g->outputs().push_back(n->output(0));
  FERRY_ASSIGN_OR_RETURN(auto s, runtime::Session::Create(g, tf::TfOpSet()));
  FERRY_ASSIGN_OR_RETURN(std::vector<Tensor> y, s->Run({x}));
  return y[0];
}

// TF SAME: out = ceil(in / s); padding before = total / 2.
int64_t SameOut(int64_t in, int64_t s) { return (in + s - 1) / s; }
int64_t SameBefore(int64_t in, int64_t k, int64_t s, int64_t d) {
  const int64_t total = std::max<int64_t>((SameOut(in, s) - 1) * s + (k - 1) * d + 1 - in, 0);
  return total / 2;
}

TEST(ConvNdTfOpsTest, Conv3DSameStridedDilated) {
  const int64_t n = 1, D = 5, H = 6, W = 4, C = 2, O = 3, kd = 2, kh = 3, kw = 2;
  const int64_t s[3] = {2, 1, 2}, dl[3] = {1, 2, 1};
  Tensor x = RandomInput({n, D, H, W, C}, 41);
  Tensor w = RandomInput({kd, kh, kw, C, O}, 42);
  auto y = RunOne("Conv3D", {}, x, {w},
                  {{"T", Attr::Type(DataType::kFloat32)},
                   {"strides", Attr::Ints({1, s[0], s[1], s[2], 1})},
                   {"dilations", Attr::Ints({1, dl[0], dl[1], dl[2], 1})},
                   {"padding", Attr::String("SAME")},
                   {"data_format", Attr::String("NDHWC")}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  const int64_t in[3] = {D, H, W}, k[3] = {kd, kh, kw};
  int64_t out[3], pb[3];
  for (int i = 0; i < 3; ++i) {
    out[i] = SameOut(in[i], s[i]);
    pb[i] = SameBefore(in[i], k[i], s[i], dl[i]);
  }
  ASSERT_EQ(y->shape(), (Shape{n, out[0], out[1], out[2], O}));
  const float* px = x.data<float>();
  const float* pw = w.data<float>();
  float worst = 0;
  for (int64_t a = 0; a < out[0]; ++a)
    for (int64_t b = 0; b < out[1]; ++b)
      for (int64_t c = 0; c < out[2]; ++c)
        for (int64_t o = 0; o < O; ++o) {
          double acc = 0;
          for (int64_t i = 0; i < kd; ++i)
            for (int64_t j = 0; j < kh; ++j)
              for (int64_t l = 0; l < kw; ++l) {
                const int64_t zd = a * s[0] + i * dl[0] - pb[0];
                const int64_t zh = b * s[1] + j * dl[1] - pb[1];
                const int64_t zw = c * s[2] + l * dl[2] - pb[2];
                if (zd < 0 || zd >= D || zh < 0 || zh >= H || zw < 0 || zw >= W) continue;
                for (int64_t ci = 0; ci < C; ++ci)
                  acc += px[((zd * H + zh) * W + zw) * C + ci] *
                         pw[(((i * kh + j) * kw + l) * C + ci) * O + o];
              }
          const float got = y->data<float>()[((a * out[1] + b) * out[2] + c) * O + o];
          worst = std::max(worst, std::fabs(got - static_cast<float>(acc)));
        }
  EXPECT_LT(worst, 1e-4f);
}

TEST(ConvNdTfOpsTest, Pool3DSameIgnoresPadding) {
  const int64_t D = 3, H = 4, W = 5, C = 2, k = 2, s = 2;
  Tensor x = RandomInput({1, D, H, W, C}, 43);
  for (bool max : {true, false}) {
    auto y = RunOne(max ? "MaxPool3D" : "AvgPool3D", {}, x, {},
                    {{"T", Attr::Type(DataType::kFloat32)},
                     {"ksize", Attr::Ints({1, k, k, k, 1})},
                     {"strides", Attr::Ints({1, s, s, s, 1})},
                     {"padding", Attr::String("SAME")},
                     {"data_format", Attr::String("NDHWC")}});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    const int64_t in[3] = {D, H, W};
    int64_t out[3], pb[3];
    for (int i = 0; i < 3; ++i) {
      out[i] = SameOut(in[i], s);
      pb[i] = SameBefore(in[i], k, s, 1);
    }
    ASSERT_EQ(y->shape(), (Shape{1, out[0], out[1], out[2], C}));
    float worst = 0;
    for (int64_t a = 0; a < out[0]; ++a)
      for (int64_t b = 0; b < out[1]; ++b)
        for (int64_t c = 0; c < out[2]; ++c)
          for (int64_t ch = 0; ch < C; ++ch) {
            double acc = max ? -std::numeric_limits<double>::infinity() : 0;
            int count = 0;
            for (int64_t i = 0; i < k; ++i)
              for (int64_t j = 0; j < k; ++j)
                for (int64_t l = 0; l < k; ++l) {
                  const int64_t zd = a * s + i - pb[0], zh = b * s + j - pb[1],
                                zw = c * s + l - pb[2];
                  if (zd < 0 || zd >= D || zh < 0 || zh >= H || zw < 0 || zw >= W) continue;
                  const double v = x.data<float>()[((zd * H + zh) * W + zw) * C + ch];
                  acc = max ? std::max(acc, v) : acc + v;
                  ++count;
                }
            if (!max) acc /= count;  // TF divides by the real elements only
            const float got = y->data<float>()[((a * out[1] + b) * out[2] + c) * C + ch];
            worst = std::max(worst, std::fabs(got - static_cast<float>(acc)));
          }
    EXPECT_LT(worst, 1e-5f) << (max ? "MaxPool3D" : "AvgPool3D");
  }
}

TEST(ConvNdTfOpsTest, Conv2DBackpropInputSameIsConv2DGradient) {
  // Forward Conv2D: input [1, 5, 7, M=2] -> out_backprop [1, 3, 4, C=3] with k 3x2, stride 2,
  // SAME. The input gradient scatters dy[o] * w[k, m, c] into x at o * s + k - pad_before.
  const int64_t H = 5, W = 7, M = 2, C = 3, kh = 3, kw = 2, s = 2;
  const int64_t oh = SameOut(H, s), ow = SameOut(W, s);
  Tensor dy = RandomInput({1, oh, ow, C}, 44);
  Tensor w = RandomInput({kh, kw, M, C}, 45);
  Tensor sizes = Tensor::FromVector<int32_t>({1, static_cast<int32_t>(H), static_cast<int32_t>(W),
                                              static_cast<int32_t>(M)},
                                             Shape{4});
  auto y = RunOne("Conv2DBackpropInput", {sizes, w}, dy, {},
                  {{"T", Attr::Type(DataType::kFloat32)},
                   {"strides", Attr::Ints({1, s, s, 1})},
                   {"padding", Attr::String("SAME")},
                   {"data_format", Attr::String("NHWC")}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ(y->shape(), (Shape{1, H, W, M}));
  const int64_t pt = SameBefore(H, kh, s, 1), pl = SameBefore(W, kw, s, 1);
  std::vector<double> want(H * W * M, 0.0);
  for (int64_t a = 0; a < oh; ++a)
    for (int64_t b = 0; b < ow; ++b)
      for (int64_t i = 0; i < kh; ++i)
        for (int64_t j = 0; j < kw; ++j) {
          const int64_t zh = a * s + i - pt, zw = b * s + j - pl;
          if (zh < 0 || zh >= H || zw < 0 || zw >= W) continue;
          for (int64_t m = 0; m < M; ++m)
            for (int64_t c = 0; c < C; ++c)
              want[(zh * W + zw) * M + m] += dy.data<float>()[(a * ow + b) * C + c] *
                                             w.data<float>()[((i * kw + j) * M + m) * C + c];
        }
  float worst = 0;
  for (size_t i = 0; i < want.size(); ++i)
    worst = std::max(worst, std::fabs(y->data<float>()[i] - static_cast<float>(want[i])));
  EXPECT_LT(worst, 1e-4f);
}

TEST(ConvNdTfOpsTest, Conv2DBackpropInputRejectsMismatchedSizes) {
  // out_backprop 3x3 is not the VALID forward output of a 5x5 input with k 2, stride 1 (4x4).
  Tensor dy = RandomInput({1, 3, 3, 1}, 46);
  Tensor w = RandomInput({2, 2, 1, 1}, 47);
  Tensor sizes = Tensor::FromVector<int32_t>({1, 5, 5, 1}, Shape{4});
  auto y = RunOne("Conv2DBackpropInput", {sizes, w}, dy, {},
                  {{"T", Attr::Type(DataType::kFloat32)},
                   {"strides", Attr::Ints({1, 1, 1, 1})},
                   {"padding", Attr::String("VALID")}});
  EXPECT_FALSE(y.ok());
}

TEST(ConvNdTfOpsTest, Dilation2DSameAddsFilterAndSkipsOutside) {
  // One channel, 1x4 input, kernel 1x2 with rate 2 (window 3), stride 1, SAME: total padding
  // 2, one before and one after; out[x] = max over j of in[x + 2j - 1] + f[j], inside only.
  Tensor x = Tensor::FromVector<float>({1, 5, 2, 4}, Shape{1, 1, 4, 1});
  Tensor f = Tensor::FromVector<float>({10, 0}, Shape{1, 2, 1});
  auto y = RunOne("Dilation2D", {}, x, {f},
                  {{"T", Attr::Type(DataType::kFloat32)},
                   {"strides", Attr::Ints({1, 1, 1, 1})},
                   {"rates", Attr::Ints({1, 1, 2, 1})},
                   {"padding", Attr::String("SAME")}});
  ASSERT_TRUE(y.ok()) << y.status().ToString();
  ASSERT_EQ(y->shape(), (Shape{1, 1, 4, 1}));
  // x=0: taps -1 (outside), 1 -> 5+0; x=1: taps 0 -> 1+10, 2 -> 2; x=2: taps 1 -> 15, 3 -> 4;
  // x=3: taps 2 -> 12, 4 (outside).
  EXPECT_EQ(std::vector<float>(y->data<float>(), y->data<float>() + 4),
            (std::vector<float>{5, 11, 15, 12}));
}

}  // namespace
}  // namespace ferry::convert::testing

namespace ferry::convert::testing {
namespace {

// TF's Maximum / Minimum (and TF.js's) give NaN when either side is NaN, whichever side.
TEST(ConvNdTfOpsTest, MaximumAndMinimumPropagateNanFromEitherSide) {
  const float nan = std::numeric_limits<float>::quiet_NaN();
  const Tensor x = Tensor::FromVector<float>({nan, 1, 2, nan}, Shape{4});
  const Tensor c = Tensor::FromVector<float>({1, nan, 3, nan}, Shape{4});
  for (const char* op : {"Maximum", "Minimum"}) {
    auto y = RunOne(op, {}, x, {c}, {{"T", Attr::Type(DataType::kFloat32)}});
    ASSERT_TRUE(y.ok()) << y.status().ToString();
    const float* v = y->data<float>();
    EXPECT_TRUE(std::isnan(v[0])) << op;
    EXPECT_TRUE(std::isnan(v[1])) << op;
    EXPECT_EQ(v[2], std::string(op) == "Maximum" ? 3.0f : 2.0f);
    EXPECT_TRUE(std::isnan(v[3])) << op;
  }
}

}  // namespace
}  // namespace ferry::convert::testing
