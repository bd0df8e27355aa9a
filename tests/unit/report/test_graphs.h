// Small hand-built graphs shared by the report tests.
#pragma once

#include <memory>
#include <vector>

#include "ir/graph.h"

namespace ferry::report::testing {

inline ir::ValueInfo Info(std::vector<int64_t> dims, bool symbolic_batch = false) {
  ir::ValueInfo info;
  info.dtype = DataType::kFloat32;
  std::vector<ir::Dim> d;
  for (size_t i = 0; i < dims.size(); ++i)
    d.push_back(i == 0 && symbolic_batch ? ir::Dim::Named("N") : ir::Dim::Known(dims[i]));
  info.shape = d;
  return info;
}

// x[N,3,8,8] -> Conv(W[4,3,3,3] = 0..107, B[4] = 1) 'conv_1' -> y[N,4,6,6] -> Relu 'relu_1'
// -> Flatten -> Gemm(W2[10,144], B2[10]) 'fc' -> out[N,10].
inline std::unique_ptr<ir::Graph> SmallConvNet() {
  auto g = std::make_unique<ir::Graph>();
  g->set_name("small");
  g->opset_imports()[""] = 13;
  ir::Value* x = g->AddValue("x", Info({1, 3, 8, 8}, true));
  g->inputs().push_back(x);
  std::vector<float> w(4 * 3 * 3 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = static_cast<float>(i);
  ir::Value* wv = g->AddConstant("conv_1.weight", Tensor::FromVector(w, Shape({4, 3, 3, 3})));
  ir::Value* bv =
      g->AddConstant("conv_1.bias", Tensor::FromVector<float>({1, 1, 1, 1}, Shape({4})));
  ir::Node* conv = g->AddNode("Conv", "", "conv_1", {x, wv, bv}, {"y"});
  conv->set_attr("kernel_shape", ir::Attribute::Ints({3, 3}));
  conv->set_attr("strides", ir::Attribute::Ints({1, 1}));
  conv->output(0)->info() = Info({1, 4, 6, 6}, true);
  ir::Node* relu = g->AddNode("Relu", "", "relu_1", {conv->output(0)}, {"r"});
  relu->output(0)->info() = Info({1, 4, 6, 6}, true);
  ir::Node* flat = g->AddNode("Flatten", "", "flatten", {relu->output(0)}, {"f"});
  flat->set_attr("axis", ir::Attribute::Int(1));
  flat->output(0)->info() = Info({1, 144}, true);
  ir::Value* w2 = g->AddConstant("fc.weight", Tensor::Zeros(DataType::kFloat32, Shape({10, 144})));
  ir::Value* b2 = g->AddConstant("fc.bias", Tensor::Zeros(DataType::kFloat32, Shape({10})));
  ir::Node* fc = g->AddNode("Gemm", "", "fc", {flat->output(0), w2, b2}, {"out"});
  fc->set_attr("transB", ir::Attribute::Int(1));
  fc->output(0)->info() = Info({1, 10}, true);
  g->outputs().push_back(fc->output(0));
  return g;
}

}  // namespace ferry::report::testing
