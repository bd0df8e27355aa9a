// Builds small ONNX-domain graphs by hand and runs them through runtime::Session with the
// ONNX op set, for the op tests.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "ir/graph.h"
#include "onnx/ops/registry.h"
#include "runtime/session.h"

namespace ferry::onnx::testing {

class GraphBuilder {
 public:
  explicit GraphBuilder(int64_t opset = 17) : g_(std::make_shared<ir::Graph>()) {
    g_->opset_imports()[""] = opset;
  }
  ir::Value* Input(const std::string& name) {
    ir::Value* v = g_->AddValue(name);
    g_->inputs().push_back(v);
    return v;
  }
  ir::Value* Const(const std::string& name, Tensor t) {
    return g_->AddConstant(name, std::move(t));
  }
  // Adds a node with `num_outputs` outputs named "<name>_out<i>"; returns the node.
  ir::Node* Node(const std::string& op, const std::string& name, std::vector<ir::Value*> inputs,
                 int num_outputs = 1) {
    std::vector<std::string> outs;
    for (int i = 0; i < num_outputs; ++i) outs.push_back(name + "_out" + std::to_string(i));
    return g_->AddNode(op, "", name, std::move(inputs), outs);
  }
  void Output(ir::Value* v) { g_->outputs().push_back(v); }
  // The graph being built (for opset imports of other domains, nodes of other domains).
  ir::Graph& graph() { return *g_; }
  // Marks every output of n as a graph output.
  void Outputs(ir::Node* n) {
    for (ir::Value* v : n->outputs()) g_->outputs().push_back(v);
  }

  StatusOr<std::unique_ptr<runtime::Session>> Session(int num_threads = 1) {
    runtime::SessionOptions o;
    o.num_threads = num_threads;
    return runtime::Session::Create(g_, OnnxOpSet(), o);
  }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs, int num_threads = 1) {
    FERRY_ASSIGN_OR_RETURN(auto s, Session(num_threads));
    return s->Run(inputs);
  }

 private:
  std::shared_ptr<ir::Graph> g_;
};

inline std::vector<float> Floats(const Tensor& t) {
  return std::vector<float>(t.data<float>(), t.data<float>() + t.NumElements());
}
inline std::vector<int64_t> Ints(const Tensor& t) { return t.ToInt64Vector(); }

inline std::vector<float> IotaFloats(int64_t n, float start = 0.0f) {
  std::vector<float> v(n);
  for (int64_t i = 0; i < n; ++i) v[i] = start + static_cast<float>(i);
  return v;
}

inline ::testing::AssertionResult Near(const std::vector<float>& got,
                                       const std::vector<float>& want, float tol = 1e-5f) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure() << "sizes " << got.size() << " vs " << want.size();
  for (size_t i = 0; i < got.size(); ++i)
    if (!(std::fabs(got[i] - want[i]) <= tol * (1.0f + std::fabs(want[i]))))
      return ::testing::AssertionFailure()
             << "element " << i << ": got " << got[i] << ", want " << want[i];
  return ::testing::AssertionSuccess();
}

}  // namespace ferry::onnx::testing
