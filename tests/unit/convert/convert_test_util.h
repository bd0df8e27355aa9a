// Helpers for the ONNX -> TF converter tests: hand-built ONNX graphs, conversion, and
// running both graphs (ONNX op set vs TF op set) on the same seeded random input.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "convert/onnx_to_tf/convert.h"
#include "ir/graph.h"
#include "onnx/ops/registry.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"

namespace ferry::convert::testing {

using Attr = ir::Attribute;

class OnnxGraph {
 public:
  explicit OnnxGraph(int64_t opset = 13) : g_(std::make_shared<ir::Graph>()) {
    g_->set_name("test");
    g_->opset_imports()[""] = opset;
  }
  // dims: -1 is the named dim "N" (a dynamic batch).
  ir::Value* Input(const std::string& name, const std::vector<int64_t>& dims,
                   DataType dtype = DataType::kFloat32) {
    ir::ValueInfo info;
    info.dtype = dtype;
    std::vector<ir::Dim> d;
    for (int64_t x : dims) d.push_back(x < 0 ? ir::Dim::Named("N") : ir::Dim::Known(x));
    info.shape = d;
    ir::Value* v = g_->AddValue(name, info);
    g_->inputs().push_back(v);
    return v;
  }
  ir::Value* Const(const std::string& name, Tensor t) {
    return g_->AddConstant(name, std::move(t));
  }
  // A seeded random float constant.
  ir::Value* Random(const std::string& name, const std::vector<int64_t>& dims, float scale = 0.3f,
                    float offset = 0.f) {
    Tensor t(DataType::kFloat32, Shape(dims));
    std::mt19937 rng(static_cast<uint32_t>(std::hash<std::string>()(name)));
    std::normal_distribution<float> dist(0.f, 1.f);
    for (int64_t i = 0; i < t.NumElements(); ++i) t.data<float>()[i] = offset + scale * dist(rng);
    return Const(name, t);
  }
  ir::Node* Node(const std::string& op, const std::string& name, std::vector<ir::Value*> inputs,
                 std::vector<std::pair<std::string, Attr>> attrs = {}, int num_outputs = 1) {
    std::vector<std::string> outs;
    for (int i = 0; i < num_outputs; ++i) outs.push_back(name + "_out" + std::to_string(i));
    ir::Node* n = g_->AddNode(op, "", name, std::move(inputs), outs);
    for (auto& [k, a] : attrs) n->set_attr(k, std::move(a));
    return n;
  }
  ir::Value* Op(const std::string& op, const std::string& name, std::vector<ir::Value*> inputs,
                std::vector<std::pair<std::string, Attr>> attrs = {}) {
    return Node(op, name, std::move(inputs), std::move(attrs))->output(0);
  }
  void Output(ir::Value* v) { g_->outputs().push_back(v); }
  std::shared_ptr<ir::Graph> graph() const { return g_; }

 private:
  std::shared_ptr<ir::Graph> g_;
};

inline Tensor RandomInput(const std::vector<int64_t>& dims, uint32_t seed) {
  Tensor t(DataType::kFloat32, Shape(dims));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(-1.f, 1.f);
  for (int64_t i = 0; i < t.NumElements(); ++i) t.data<float>()[i] = dist(rng);
  return t;
}

inline int CountOps(const ir::Graph& g, const std::string& op) {
  int n = 0;
  for (const auto& node : g.nodes()) n += node->op_type() == op;
  return n;
}

inline const ir::Node* FindOp(const ir::Graph& g, const std::string& op) {
  for (const auto& node : g.nodes())
    if (node->op_type() == op) return node.get();
  return nullptr;
}

inline float MaxAbsDiff(const Tensor& a, const Tensor& b) {
  float m = 0.f;
  for (int64_t i = 0; i < a.NumElements(); ++i)
    m = std::max(m, std::fabs(static_cast<float>(a.GetAsDouble(i) - b.GetAsDouble(i))));
  return m;
}

struct Converted {
  std::shared_ptr<ir::Graph> tf;
  float max_diff = 0.f;
};

// Converts `onnx`, runs the ONNX graph with OnnxOpSet() and the TF graph with TfOpSet() on
// the same inputs, and checks every output agrees (shape exactly, values within atol).
inline Converted ConvertAndCompare(const std::shared_ptr<ir::Graph>& onnx,
                                   const std::vector<Tensor>& inputs, float atol = 1e-4f) {
  Converted r;
  auto tf = ConvertOnnxToTf(*onnx);
  EXPECT_TRUE(tf.ok()) << tf.status().ToString();
  if (!tf.ok()) return r;
  r.tf = *tf;
  auto os = runtime::Session::Create(onnx, onnx::OnnxOpSet());
  EXPECT_TRUE(os.ok()) << os.status().ToString();
  auto ts = runtime::Session::Create(r.tf, tf::TfOpSet());
  EXPECT_TRUE(ts.ok()) << ts.status().ToString();
  if (!os.ok() || !ts.ok()) return r;
  auto oy = (*os)->Run(inputs);
  auto ty = (*ts)->Run(inputs);
  EXPECT_TRUE(oy.ok()) << oy.status().ToString();
  EXPECT_TRUE(ty.ok()) << ty.status().ToString();
  if (!oy.ok() || !ty.ok()) return r;
  EXPECT_EQ(oy->size(), ty->size());
  for (size_t i = 0; i < std::min(oy->size(), ty->size()); ++i) {
    const Tensor& a = (*oy)[i];
    const Tensor& b = (*ty)[i];
    EXPECT_EQ(a.shape(), b.shape())
        << "output " << i << ": onnx " << a.DebugString() << ", tf " << b.DebugString();
    if (a.shape() != b.shape()) continue;
    const float d = MaxAbsDiff(a, b);
    r.max_diff = std::max(r.max_diff, d);
    EXPECT_LE(d, atol) << "output " << i << " (" << onnx->outputs()[i]->name() << ") "
                       << a.DebugString();
  }
  return r;
}

}  // namespace ferry::convert::testing
