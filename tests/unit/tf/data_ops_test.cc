// TF runtime ops on their fast paths (Relu, Relu6, BiasAdd, PadV2, Transpose, Einsum, Pow,
// Softmax), each run as a one-node graph against values computed here element by element.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>
#include <map>
#include <memory>
#include <string>
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

// One TF node `op` of input x (a graph input) and constant inputs `consts`, with the string
// attribute `attr` = `value` when given.
Tensor RunOne(const std::string& op, const Tensor& x, const std::vector<Tensor>& consts,
              const std::string& attr = "", const std::string& value = "") {
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
  if (!attr.empty()) n->set_attr(attr, ir::Attribute::String(value));
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

// The equations of torch's TransformerEncoder as converted (projections, attention), each
// through the MatMul path, against the sum written out.
TEST(TfDataOpsTest, EinsumAsMatMulMatchesTheSum) {
  struct Case {
    std::string eq;
    Shape a, b;
  };
  for (const Case& c : {Case{"xaz,zy->axy", Shape{5, 2, 6}, Shape{6, 7}},
                        Case{"xaz,yaz->axy", Shape{5, 2, 6}, Shape{4, 2, 6}},
                        Case{"bcxz,zbcy->bxcy", Shape{2, 3, 4, 5}, Shape{5, 2, 3, 6}}}) {
    const Tensor a = Floats(c.a), b = Floats(c.b, 0.5f);
    const Tensor y = RunOne("Einsum", a, {b}, "equation", c.eq);
    // Label sizes, then the output by brute force over every label value.
    const std::string lhs = c.eq.substr(0, c.eq.find(',')),
                      rhs = c.eq.substr(c.eq.find(',') + 1, c.eq.find('-') - c.eq.find(',') - 1),
                      out = c.eq.substr(c.eq.find('>') + 1);
    std::map<char, int64_t> size;
    for (size_t i = 0; i < lhs.size(); ++i) size[lhs[i]] = c.a.dims()[i];
    for (size_t i = 0; i < rhs.size(); ++i) size[rhs[i]] = c.b.dims()[i];
    std::vector<int64_t> od;
    for (char l : out) od.push_back(size[l]);
    ASSERT_EQ(y.shape(), Shape(od)) << c.eq;
    std::string labels;
    for (const auto& [l, n] : size) labels += l;
    std::map<char, int64_t> at;
    std::vector<double> want(y.NumElements(), 0.0);
    auto offset = [&](const std::string& term, const std::vector<int64_t>& dims) {
      int64_t o = 0;
      for (size_t i = 0; i < term.size(); ++i) o = o * dims[i] + at[term[i]];
      return o;
    };
    std::function<void(size_t)> visit = [&](size_t k) {
      if (k == labels.size()) {
        want[offset(out, od)] += static_cast<double>(a.data<float>()[offset(lhs, c.a.dims())]) *
                                 b.data<float>()[offset(rhs, c.b.dims())];
        return;
      }
      for (at[labels[k]] = 0; at[labels[k]] < size[labels[k]]; ++at[labels[k]]) visit(k + 1);
    };
    visit(0);
    for (int64_t i = 0; i < y.NumElements(); ++i)
      EXPECT_NEAR(y.data<float>()[i], want[i], 1e-4) << c.eq << " element " << i;
  }
}

TEST(TfDataOpsTest, PowSquaresExactlyAndOtherExponentsStillWork) {
  const Tensor x = Floats(Shape{3, 11}, 0.37f);
  const Tensor sq = RunOne("Pow", x, {Tensor::FromVector<float>({2.0f}, Shape{})});
  const Tensor cube = RunOne("Pow", x, {Tensor::FromVector<float>({3.0f}, Shape{1})});
  for (int64_t i = 0; i < x.NumElements(); ++i) {
    const float v = x.data<float>()[i];
    EXPECT_EQ(sq.data<float>()[i], std::pow(v, 2.0f)) << i;
    EXPECT_FLOAT_EQ(cube.data<float>()[i], v * v * v) << i;
  }
}

TEST(TfDataOpsTest, SoftmaxAndLogSoftmaxRows) {
  Tensor x = Floats(Shape{4, 33}, 0.7f);
  x.data<float>()[40] = -std::numeric_limits<float>::infinity();  // a masked position
  const Tensor sm = RunOne("Softmax", x, {}), lsm = RunOne("LogSoftmax", x, {});
  for (int64_t r = 0; r < 4; ++r) {
    const float* p = x.data<float>() + r * 33;
    double m = p[0], sum = 0;
    for (int i = 0; i < 33; ++i) m = std::max<double>(m, p[i]);
    for (int i = 0; i < 33; ++i) sum += std::exp(p[i] - m);
    for (int i = 0; i < 33; ++i) {
      EXPECT_NEAR(sm.data<float>()[r * 33 + i], std::exp(p[i] - m) / sum, 1e-6) << r << "," << i;
      if (std::isinf(p[i])) {
        EXPECT_EQ(lsm.data<float>()[r * 33 + i], -std::numeric_limits<float>::infinity());
      } else {
        EXPECT_NEAR(lsm.data<float>()[r * 33 + i], p[i] - m - std::log(sum), 1e-5);
      }
    }
  }
}

}  // namespace
}  // namespace ferry::tf
