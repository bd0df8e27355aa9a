// Small builders for the optimizer's tests (optimize_test.cc, fusion_test.cc): float32 graphs
// with statically shaped inputs and seeded random constants.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "ir/graph.h"

namespace ferry::runtime::testing {

// float32 tensor of `dims` with values uniform in [lo, hi), the same for the same seed.
inline Tensor Random(std::vector<int64_t> dims, uint32_t seed, float lo = -1.0f, float hi = 1.0f) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> d(lo, hi);
  Tensor t(DataType::kFloat32, Shape(dims));
  for (int64_t i = 0; i < t.NumElements(); ++i) t.data<float>()[i] = d(rng);
  return t;
}

// An empty graph importing the default domain at `opset`.
inline std::shared_ptr<ir::Graph> NewGraph(int64_t opset) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()[""] = opset;
  return g;
}

// A float32 graph input of known `dims`.
inline ir::Value* Input(ir::Graph& g, const std::string& name, std::vector<int64_t> dims) {
  ir::ValueInfo info;
  info.dtype = DataType::kFloat32;
  std::vector<ir::Dim> d;
  for (int64_t v : dims) d.push_back(ir::Dim::Known(v));
  info.shape = d;
  ir::Value* v = g.AddValue(name, info);
  g.inputs().push_back(v);
  return v;
}

}  // namespace ferry::runtime::testing
