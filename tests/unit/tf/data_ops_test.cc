// TF runtime ops that move or map data (Relu, Relu6, BiasAdd, PadV2, Transpose), each run as
// a one-node graph against values computed here element by element.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <memory>
#include <vector>

#include "ir/graph.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"

namespace ferry::tf {
namespace {

Tensor Floats(Shape shape, float scale = 0.25f) {
  Tensor t(DataType::kFloat32, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i)
    t.data<float>()[i] = scale * static_cast<float>((i * 7) % 23 - 11);
  return t;
}

// One TF node `op` of input x (a graph input) and constant inputs `consts`.
Tensor RunOne(const std::string& op, const Tensor& x, const std::vector<Tensor>& consts) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()["tf"] = 1;
  ir::ValueInfo xi;
  xi.dtype = x.dtype();
  std::vector<ir::Dim> dims;
  for (int64_t d : x.shape().dims()) dims.push_back(ir::Dim::Known(d));
  xi.shape = dims;
  ir::Value* xv = g->AddValue("x", xi);
  g->inputs().push_back(xv);
  std::vector<ir::Value*> ins = {xv};
  for (size_t i = 0; i < consts.size(); ++i)
    ins.push_back(g->AddConstant("c" + std::to_string(i), consts[i]));
  ir::Node* n = g->AddNode(op, "tf", "node", ins, {"y"});
  n->set_attr("T", ir::Attribute::Type(x.dtype()));
  if (op == "BiasAdd") n->set_attr("data_format", ir::Attribute::String("NHWC"));
  g->outputs().push_back(n->output(0));
  auto session = runtime::Session::Create(g, TfOpSet());
  EXPECT_TRUE(session.ok()) << session.status().ToString();
  auto y = (*session)->Run(std::vector<Tensor>{x});
  EXPECT_TRUE(y.ok()) << y.status().ToString();
  return y.ok() ? y->at(0) : Tensor();
}

TEST(TfDataOpsTest, ReluAndRelu6KeepNanAndClamp) {
  Tensor x = Floats(Shape{3, 37}, 1.0f);  // a length the vector loop does not divide
  x.data<float>()[5] = std::numeric_limits<float>::quiet_NaN();
  x.data<float>()[6] = -0.0f;
  x.data<float>()[7] = std::numeric_limits<float>::infinity();
  const Tensor relu = RunOne("Relu", x, {}), relu6 = RunOne("Relu6", x, {});
  for (int64_t i = 0; i < x.NumElements(); ++i) {
    const float v = x.data<float>()[i];
    if (std::isnan(v)) {
      EXPECT_TRUE(std::isnan(relu.data<float>()[i]));
      EXPECT_TRUE(std::isnan(relu6.data<float>()[i]));
      continue;
    }
    EXPECT_EQ(relu.data<float>()[i], v < 0 ? 0.0f : v) << i;
    EXPECT_EQ(relu6.data<float>()[i], v < 0 ? 0.0f : (v > 6 ? 6.0f : v)) << i;
  }
}

TEST(TfDataOpsTest, BiasAddAddsAlongTheLastDim) {
  const Tensor x = Floats(Shape{2, 3, 5, 19}), b = Floats(Shape{19}, 0.5f);
  const Tensor y = RunOne("BiasAdd", x, {b});
  ASSERT_EQ(y.shape(), x.shape());
  for (int64_t i = 0; i < x.NumElements(); ++i)
    EXPECT_EQ(y.data<float>()[i], x.data<float>()[i] + b.data<float>()[i % 19]) << i;
}

TEST(TfDataOpsTest, PadV2FillsWithTheConstantAndPlacesTheInput) {
  const Tensor x = Floats(Shape{1, 3, 4, 2});
  const Tensor pads = Tensor::FromVector<int32_t>({0, 1, 1, 2, 2, 0, 0, 1}, Shape{4, 2});
  const Tensor fill = Tensor::FromVector<float>({-7.5f}, Shape{});
  const Tensor y = RunOne("PadV2", x, {pads, fill});
  ASSERT_EQ(y.shape(), (Shape{2, 6, 6, 3}));
  for (int64_t n = 0; n < 2; ++n)
    for (int64_t h = 0; h < 6; ++h)
      for (int64_t w = 0; w < 6; ++w)
        for (int64_t c = 0; c < 3; ++c) {
          const int64_t xh = h - 1, xw = w - 2;
          const bool inside = n == 0 && xh >= 0 && xh < 3 && xw >= 0 && xw < 4 && c < 2;
          const float want = inside ? x.data<float>()[(xh * 4 + xw) * 2 + c] : -7.5f;
          EXPECT_EQ(y.data<float>()[((n * 6 + h) * 6 + w) * 3 + c], want)
              << n << "," << h << "," << w << "," << c;
        }
}

TEST(TfDataOpsTest, TransposeNchwToNhwcAndOtherPerms) {
  const Tensor x = Floats(Shape{2, 3, 4, 5});
  for (const std::vector<int32_t>& perm :
       {std::vector<int32_t>{0, 2, 3, 1}, std::vector<int32_t>{3, 1, 0, 2}}) {
    const Tensor y = RunOne("Transpose", x, {Tensor::FromVector<int32_t>(perm, Shape{4})});
    std::vector<int64_t> yd;
    for (int32_t p : perm) yd.push_back(x.dim(p));
    ASSERT_EQ(y.shape(), Shape(yd));
    int64_t i = 0;
    for (int64_t a = 0; a < yd[0]; ++a)
      for (int64_t b = 0; b < yd[1]; ++b)
        for (int64_t c = 0; c < yd[2]; ++c)
          for (int64_t d = 0; d < yd[3]; ++d, ++i) {
            int64_t xi[4];
            xi[perm[0]] = a;
            xi[perm[1]] = b;
            xi[perm[2]] = c;
            xi[perm[3]] = d;
            const int64_t src = ((xi[0] * 3 + xi[1]) * 4 + xi[2]) * 5 + xi[3];
            EXPECT_EQ(y.data<float>()[i], x.data<float>()[src]) << i;
          }
  }
}

}  // namespace
}  // namespace ferry::tf
