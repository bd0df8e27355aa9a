// Small builders for the optimizer's tests (optimize_test.cc, fusion_test.cc): float32 graphs
// with statically shaped inputs and seeded random constants, run as written and optimized.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/tensor.h"
#include "ir/graph.h"
#include "onnx/ops/registry.h"
#include "runtime/session.h"

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

// Runs g with the optimizer off and on at `num_threads`; both must build and run, with the
// same number of outputs (call through ASSERT_NO_FATAL_FAILURE).
inline void RunPlainAndOptimized(std::shared_ptr<ir::Graph> g, const std::vector<Tensor>& inputs,
                                 int num_threads, std::vector<Tensor>* plain_out,
                                 std::vector<Tensor>* optimized_out) {
  SessionOptions plain, fast;
  plain.num_threads = fast.num_threads = num_threads;
  plain.optimize = false;
  auto a = Session::Create(g, onnx::OnnxOpSet(), plain);
  auto b = Session::Create(g, onnx::OnnxOpSet(), fast);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  auto ya = (*a)->Run(inputs);
  auto yb = (*b)->Run(inputs);
  ASSERT_TRUE(ya.ok()) << ya.status().ToString();
  ASSERT_TRUE(yb.ok()) << yb.status().ToString();
  ASSERT_EQ(ya->size(), yb->size());
  *plain_out = std::move(*ya);
  *optimized_out = std::move(*yb);
}

}  // namespace ferry::runtime::testing
