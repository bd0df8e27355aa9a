#include "torch/onnx_export.h"

#include <string>
#include <vector>

namespace ferry::torch {
namespace {

using ir::Attribute;
using ir::Dim;

ir::ValueInfo FloatInfo(std::vector<Dim> dims) {
  ir::ValueInfo info;
  info.dtype = DataType::kFloat32;
  info.shape = std::move(dims);
  return info;
}

// Adds node `name` (torch's scope path, e.g. "/conv1/Conv") whose single output is named
// "<name>_output_0" as torch.onnx.export names it, or `output_name` when given.
ir::Value* Add(ir::Graph& g, const std::string& op, const std::string& name,
               std::vector<ir::Value*> inputs, std::vector<Dim> out_dims,
               std::map<std::string, Attribute> attrs, const std::string& output_name = "") {
  ir::Node* n = g.AddNode(op, "", name, std::move(inputs),
                          {output_name.empty() ? name + "_output_0" : output_name});
  for (auto& [k, v] : attrs) n->set_attr(k, std::move(v));
  n->output(0)->info() = FloatInfo(std::move(out_dims));
  return n->output(0);
}

// torch exports every attribute of Conv and MaxPool explicitly, defaults included.
std::map<std::string, Attribute> ConvAttrs() {
  return {{"dilations", Attribute::Ints({1, 1})},
          {"group", Attribute::Int(1)},
          {"kernel_shape", Attribute::Ints({5, 5})},
          {"pads", Attribute::Ints({0, 0, 0, 0})},
          {"strides", Attribute::Ints({2, 2})}};
}

std::map<std::string, Attribute> MaxPoolAttrs() {
  return {{"ceil_mode", Attribute::Int(0)},
          {"kernel_shape", Attribute::Ints({1, 1})},
          {"pads", Attribute::Ints({0, 0, 0, 0})},
          {"strides", Attribute::Ints({1, 1})}};
}

std::map<std::string, Attribute> GemmAttrs() {
  // nn.Linear computes x W^T + b: Gemm with transB=1 (ONNX Gemm: Y = alpha*A*B' + beta*C).
  return {{"alpha", Attribute::Float(1.0f)},
          {"beta", Attribute::Float(1.0f)},
          {"transB", Attribute::Int(1)}};
}

}  // namespace

StatusOr<std::shared_ptr<ir::Graph>> BuildSimpleCnnOnnxGraph(const SimpleCnnWeights& weights,
                                                             const ExportOptions& options) {
  FERRY_RETURN_IF_ERROR(weights.Validate("ONNX export"));
  if (options.opset < 11 || options.opset > 17) {
    return InvalidArgument("ONNX export: opset " + std::to_string(options.opset) +
                           " is not supported (11..17)");
  }
  if (options.batch == 0 || options.batch < -1) {
    return InvalidArgument("ONNX export: batch must be -1 (dynamic) or >= 1, got " +
                           std::to_string(options.batch));
  }
  const Dim n = options.batch == -1 ? Dim::Named("batch_size") : Dim::Known(options.batch);
  auto k = [](int64_t v) { return Dim::Known(v); };

  auto g = std::make_shared<ir::Graph>();
  g->set_name("main_graph");  // torch.onnx.export's graph name
  g->opset_imports()[""] = options.opset;
  g->metadata()["producer_name"] = "ferry";
  g->metadata()["doc_string"] =
      "SimpleCNN (guide). input: float32[N,1,28,28], pixels scaled to [0,1] (pixel / 255); "
      "output: log-probabilities float32[N,10]";

  ir::Value* input = g->AddValue("input", FloatInfo({n, k(1), k(28), k(28)}));
  g->inputs().push_back(input);
  // Initializers keep the state_dict names, in state_dict order, as torch exports them.
  std::map<std::string, ir::Value*> w;
  for (const auto& [name, shape] : SimpleCnnParamSpecs()) {
    ir::Value* v = g->AddConstant(name, weights.Find(name)->Clone());
    std::vector<Dim> dims;
    for (int64_t d : shape.dims()) dims.push_back(k(d));
    v->info() = FloatInfo(std::move(dims));
    w[name] = v;
  }

  ir::Value* x = Add(*g, "Conv", "/conv1/Conv", {input, w["conv1.weight"], w["conv1.bias"]},
                     {n, k(32), k(12), k(12)}, ConvAttrs());
  x = Add(*g, "MaxPool", "/max_pool/MaxPool", {x}, {n, k(32), k(12), k(12)}, MaxPoolAttrs());
  x = Add(*g, "Conv", "/conv2/Conv", {x, w["conv2.weight"], w["conv2.bias"]},
          {n, k(64), k(4), k(4)}, ConvAttrs());
  // The module is called twice; torch names the second call's scope "max_pool_1".
  x = Add(*g, "MaxPool", "/max_pool_1/MaxPool", {x}, {n, k(64), k(4), k(4)}, MaxPoolAttrs());
  x = Add(*g, "Flatten", "/flatten/Flatten", {x}, {n, k(1024)}, {{"axis", Attribute::Int(1)}});
  x = Add(*g, "Relu", "/relu/Relu", {x}, {n, k(1024)}, {});
  x = Add(*g, "Gemm", "/fc/fc.0/Gemm", {x, w["fc.0.weight"], w["fc.0.bias"]}, {n, k(512)},
          GemmAttrs());
  x = Add(*g, "Relu", "/fc/fc.1/Relu", {x}, {n, k(512)}, {});
  x = Add(*g, "Gemm", "/fc/fc.3/Gemm", {x, w["fc.3.weight"], w["fc.3.bias"]}, {n, k(10)},
          GemmAttrs());
  // LogSoftmax-13 normalises along one axis, so the -1 of log_softmax(dim=-1) carries over.
  // LogSoftmax-1/11 coerce the input to 2-D at `axis`; for this 2-D input axis 1 is the same,
  // and it is what torch writes below opset 13.
  const int64_t axis = options.opset >= 13 ? -1 : 1;
  ir::Value* out = Add(*g, "LogSoftmax", "/LogSoftmax", {x}, {n, k(kSimpleCnnClasses)},
                       {{"axis", Attribute::Int(axis)}}, "output");
  g->outputs().push_back(out);
  return g;
}

}  // namespace ferry::torch
