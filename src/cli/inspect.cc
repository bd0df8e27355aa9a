// ferry inspect MODEL: signature, op histogram, parameters, FLOPs, opsets and producer as
// text or JSON; the graph as DOT, SVG (graphviz) or an interactive HTML page.
#include <cstdio>
#include <nlohmann/json.hpp>

#include "cli/command.h"
#include "cli/models.h"
#include "core/atomic_file.h"
#include "ir/summary.h"
#include "onnx/model_io.h"
#include "onnx/ops/registry.h"
#include "report/graph_dot.h"
#include "report/graph_html.h"
#include "report/html.h"
#include "report/tensor_stats.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"
#include "torch/backend.h"
#include "torch/checkpoint.h"
#include "torch/onnx_export.h"

namespace ferry::cli {
namespace {

// A ferry checkpoint's graph: the one `ferry export` writes, typed by onnx shape inference.
// A ferry checkpoint's weights, read by the libtorch module.
StatusOr<torch::SimpleCnnWeights> LoadCheckpoint(const std::string& path) {
  FERRY_ASSIGN_OR_RETURN(const torch::TorchBackend* backend, torch::LoadTorchBackend());
  return backend->LoadCheckpoint(path);
}

StatusOr<std::shared_ptr<ir::Graph>> CheckpointGraph(const torch::SimpleCnnWeights& w) {
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g, torch::BuildSimpleCnnOnnxGraph(w));
  (void)onnx::InferShapes(*g);
  return g;
}

// A checkpoint lists each weight tensor with its statistics, and the FLOPs of its graph.
StatusOr<std::string> DescribeCheckpoint(const std::string& path, const std::string& format) {
  FERRY_ASSIGN_OR_RETURN(torch::SimpleCnnWeights w, LoadCheckpoint(path));
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g, CheckpointGraph(w));
  const ir::GraphSummary summary = ir::Summarize(*g);
  int64_t count = 0, bytes = 0;
  for (const auto& [name, t] : w.params) {
    count += t.NumElements();
    bytes += static_cast<int64_t>(t.NumBytes());
  }
  if (format == "json") {
    nlohmann::json j;
    j["format"] = "torch";
    j["arch"] = w.arch;
    j["input"] = torch::kInputDescription;
    j["parameters"] = count;
    j["parameter_bytes"] = bytes;
    j["flops"] = summary.total_flops;
    j["tensors"] = nlohmann::json::array();
    for (const auto& [name, t] : w.params) {
      report::TensorStats s = report::ComputeStats(t);
      j["tensors"].push_back({{"name", name},
                              {"dtype", DataTypeName(t.dtype())},
                              {"shape", t.shape().dims()},
                              {"min", s.min},
                              {"max", s.max},
                              {"mean", s.mean},
                              {"std", s.std}});
    }
    return j.dump(2) + "\n";
  }
  std::string r = path + " (torch checkpoint, arch " + w.arch + ")\n";
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "  input: %s\n  parameters: %lld (%.2f MB) in %zu tensors\n"
                "  FLOPs: %.4g M per image\n",
                torch::kInputDescription, static_cast<long long>(count), bytes / 1e6,
                w.params.size(), summary.total_flops / 1e6);
  r += buf;
  for (const auto& [name, t] : w.params) {
    std::snprintf(buf, sizeof buf, "    %-14s %-22s %s\n", name.c_str(), t.DebugString().c_str(),
                  report::StatsToString(report::ComputeStats(t)).c_str());
    r += buf;
  }
  return r;
}

// TF graphs (and ONNX files shape inference cannot fully type) leave intermediate shapes
// unknown. One run of ferry's runtime on zeros, unknown dims taken as 1, gives every shape
// the FLOPs estimate and the drawing need. Best effort: a graph the runtime cannot run keeps
// its unknown shapes, and inspect still shows everything else.
void FillShapesByRunning(const std::shared_ptr<ir::Graph>& g, ModelFormat kind) {
  bool missing = false;
  for (const auto& n : g->nodes())
    for (const ir::Value* v : n->outputs()) missing = missing || (v && !v->info().shape);
  if (!missing) return;
  std::vector<Tensor> inputs;
  for (const ir::Value* v : g->inputs()) {
    if (!v->info().shape || v->dtype() == DataType::kString) return;
    std::vector<int64_t> dims;
    for (const ir::Dim& d : *v->info().shape) dims.push_back(d.known() ? d.value : 1);
    inputs.push_back(Tensor::Zeros(v->dtype(), Shape(dims)));
  }
  const bool onnx_ops = kind == ModelFormat::kOnnx || kind == ModelFormat::kTorch;
  const runtime::OpSet& ops = onnx_ops ? onnx::OnnxOpSet() : tf::TfOpSet();
  auto session = runtime::Session::Create(g, ops);
  if (!session.ok()) return;
  auto values = (*session)->RunAndKeepAll(inputs);
  if (!values.ok()) return;
  for (ir::Value* v : g->values()) {
    if (v->info().shape || v->is_constant()) continue;
    auto it = values->find(v->name());
    if (it == values->end()) continue;
    v->info().dtype = it->second.dtype();
    std::vector<ir::Dim> dims;
    for (int64_t d : it->second.shape().dims()) dims.push_back(ir::Dim::Known(d));
    v->info().shape = std::move(dims);
  }
}

StatusOr<std::string> Describe(const std::string& model, const std::string& format) {
  ModelFormat kind;
  auto detected = DetectFormat(model);
  std::shared_ptr<ir::Graph> g;
  if (detected.ok() && *detected == ModelFormat::kTorch) {
    if (format == "text" || format == "json") return DescribeCheckpoint(model, format);
    // Drawn as the graph `ferry export` would write for it.
    FERRY_ASSIGN_OR_RETURN(torch::SimpleCnnWeights w, LoadCheckpoint(model));
    FERRY_ASSIGN_OR_RETURN(g, CheckpointGraph(w));
    kind = ModelFormat::kTorch;
  } else {
    FERRY_ASSIGN_OR_RETURN(g, LoadGraph(model, &kind));
  }
  // ONNX files often type only their inputs and outputs: shape inference gives the
  // intermediate shapes the FLOPs estimate and the drawing show. A model it cannot type is
  // still shown, with unknown shapes.
  if (kind == ModelFormat::kOnnx) (void)onnx::InferShapes(*g);
  FillShapesByRunning(g, kind);
  const std::string title = model + " (" + ModelFormatName(kind) + ")";
  if (format == "text") return ir::SummaryToText(ir::Summarize(*g), title);
  if (format == "json") return ir::SummaryToJson(ir::Summarize(*g), ModelFormatName(kind)) + "\n";
  if (format == "dot") return report::GraphToDot(*g);
  if (format == "svg") return report::RenderDotToSvg(report::GraphToDot(*g));
  report::GraphHtmlOptions options;
  options.title = title;
  return report::GraphToHtml(*g, options);
}

}  // namespace

void AddInspectCommand(CLI::App& app, Action* action) {
  struct Flags {
    std::string model, format = "text", output;
  };
  auto f = std::make_shared<Flags>();
  CLI::App* c = app.add_subcommand("inspect", "Show a model's inputs, outputs, ops and size");
  c->add_option("MODEL", f->model,
                ".onnx, SavedModel folder, .pb, TF.js folder or ferry checkpoint (.pt)")
      ->required();
  c->add_option("--format", f->format,
                "text, json, dot (Graphviz), svg (needs graphviz) or html (interactive page)")
      ->check(CLI::IsMember({"text", "json", "dot", "svg", "html"}))
      ->capture_default_str();
  c->add_option("-o,--output", f->output, "write to this file instead of standard output");
  c->callback([f, action] {
    *action = [f]() -> int {
      auto out = Describe(f->model, f->format);
      if (!out.ok()) return Fail(out.status());
      if (f->output.empty()) {
        std::fwrite(out->data(), 1, out->size(), stdout);
        return kExitOk;
      }
      Status s = WriteFileAtomically(f->output, *out);
      if (!s.ok()) return Fail(s);
      std::printf("wrote %s (%zu bytes)\n", f->output.c_str(), out->size());
      return kExitOk;
    };
  });
}

}  // namespace ferry::cli
