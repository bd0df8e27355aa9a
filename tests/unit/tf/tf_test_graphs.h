// Small IR(tf) graphs built by hand for the format tests, and file helpers.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <numeric>
#include <string>
#include <vector>

#include "ir/graph.h"

namespace ferry::tf::testing {

namespace fs = std::filesystem;

inline std::string FreshPath(const std::string& name) {
  fs::path d = fs::temp_directory_path() / ("ferry_tf_" + name + "_" + std::to_string(getpid()));
  fs::remove_all(d);
  return d.string();
}

inline std::string ReadAll(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(f), {});
}

inline void WriteAll(const std::string& path, const std::string& data) {
  std::ofstream f(path, std::ios::binary | std::ios::trunc);
  f.write(data.data(), static_cast<std::streamsize>(data.size()));
}

inline Tensor Iota(DataType dt, Shape shape, float scale) {
  Tensor t(dt, shape);
  for (int64_t i = 0; i < t.NumElements(); ++i) {
    float v = scale * static_cast<float>((i * 7) % 23 - 11);
    if (dt == DataType::kFloat32) t.data<float>()[i] = v;
    if (dt == DataType::kFloat64) t.data<double>()[i] = v;
  }
  return t;
}

// Placeholder x [batch,1,28,28] (NCHW) -> Transpose to NHWC -> Conv2D (EXPLICIT, asymmetric
// padding) -> BiasAdd -> Relu -> graph output "probs"; the weight has `cout` channels.
inline std::shared_ptr<ir::Graph> MakeConvGraph(int64_t cout = 8) {
  auto g = std::make_shared<ir::Graph>();
  g->opset_imports()["tf"] = 1;
  ir::ValueInfo xi;
  xi.dtype = DataType::kFloat32;
  xi.shape = std::vector<ir::Dim>{ir::Dim::Named("batch"), ir::Dim::Known(1), ir::Dim::Known(28),
                                  ir::Dim::Known(28)};
  ir::Value* x = g->AddValue("x", xi);
  g->inputs().push_back(x);
  ir::Value* perm = g->AddConstant("perm", Tensor::FromVector<int32_t>({0, 2, 3, 1}, Shape{4}));
  ir::Value* w =
      g->AddConstant("conv/kernel", Iota(DataType::kFloat32, Shape{3, 3, 1, cout}, 0.01f));
  ir::Value* b = g->AddConstant("conv/bias", Iota(DataType::kFloat32, Shape{cout}, 0.1f));
  const auto f32 = ir::Attribute::Type(DataType::kFloat32);

  ir::Node* t = g->AddNode("Transpose", "tf", "to_nhwc", {x, perm}, {"to_nhwc:0"});
  t->set_attr("T", f32);
  t->set_attr("Tperm", ir::Attribute::Type(DataType::kInt32));
  ir::Node* c = g->AddNode("Conv2D", "tf", "conv/Conv2D", {t->output(0), w}, {"conv:0"});
  c->set_attr("T", f32);
  c->set_attr("strides", ir::Attribute::Ints({1, 1, 1, 1}));
  c->set_attr("dilations", ir::Attribute::Ints({1, 1, 1, 1}));
  c->set_attr("padding", ir::Attribute::String("EXPLICIT"));
  c->set_attr("explicit_paddings", ir::Attribute::Ints({0, 0, 1, 2, 0, 1, 0, 0}));
  c->set_attr("data_format", ir::Attribute::String("NHWC"));
  c->set_attr("use_cudnn_on_gpu", ir::Attribute::Bool(true));
  ir::Node* ba = g->AddNode("BiasAdd", "tf", "conv/BiasAdd", {c->output(0), b}, {"biased"});
  ba->set_attr("T", f32);
  ba->set_attr("data_format", ir::Attribute::String("NHWC"));
  ir::Node* r = g->AddNode("Relu", "tf", "relu", {ba->output(0)}, {"probs"});
  r->set_attr("T", f32);
  r->output(0)->info().dtype = DataType::kFloat32;
  g->outputs().push_back(r->output(0));
  return g;
}

inline const ir::Node* FindNode(const ir::Graph& g, const std::string& op) {
  for (const auto& n : g.nodes())
    if (n->op_type() == op) return n.get();
  return nullptr;
}

inline std::string Bytes(const Tensor& t) {
  return std::string(static_cast<const char*>(t.raw_data()), t.NumBytes());
}

}  // namespace ferry::tf::testing
