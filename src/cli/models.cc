#include "cli/models.h"

#include <filesystem>

#include "onnx/model_io.h"
#include "onnx/ops/registry.h"
#include "runtime/session.h"
#include "tf/ops/registry.h"
#include "tf/saved_model.h"
#include "torch/backend.h"

namespace ferry::cli {
namespace fs = std::filesystem;

const char* ModelFormatName(ModelFormat f) {
  switch (f) {
    case ModelFormat::kTorch: return "torch";
    case ModelFormat::kOnnx: return "onnx";
    case ModelFormat::kSavedModel: return "savedmodel";
    case ModelFormat::kFrozenPb: return "frozen-pb";
    case ModelFormat::kTfjs: return "tfjs";
  }
  return "?";
}

StatusOr<ModelFormat> DetectFormat(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound(path + ": no such file or directory");
  if (fs::is_directory(path, ec)) {
    if (fs::exists(fs::path(path) / "saved_model.pb", ec)) return ModelFormat::kSavedModel;
    if (fs::exists(fs::path(path) / "model.json", ec)) return ModelFormat::kTfjs;
    if (fs::exists(fs::path(path) / "model.onnx", ec)) return ModelFormat::kOnnx;
    return InvalidArgument(path + ": a folder with neither saved_model.pb, model.json nor model.onnx");
  }
  const std::string ext = fs::path(path).extension().string();
  if (ext == ".onnx") return ModelFormat::kOnnx;
  if (ext == ".pb") return ModelFormat::kFrozenPb;
  if (ext == ".json") return ModelFormat::kTfjs;
  if (ext == ".pt" || ext == ".pth" || ext == ".ckpt") return ModelFormat::kTorch;
  return InvalidArgument(path + ": unknown model format (expected .onnx, .pb, .pt, .ckpt, "
                         "model.json or a SavedModel folder)");
}

StatusOr<std::shared_ptr<ir::Graph>> LoadGraph(const std::string& path, ModelFormat* format) {
  FERRY_ASSIGN_OR_RETURN(ModelFormat f, DetectFormat(path));
  if (format) *format = f;
  switch (f) {
    case ModelFormat::kOnnx: {
      std::string p = path;
      if (fs::is_directory(p)) p = (fs::path(p) / "model.onnx").string();
      return onnx::LoadModel(p);
    }
    case ModelFormat::kSavedModel:
    case ModelFormat::kFrozenPb:
    case ModelFormat::kTfjs:
      return tf::LoadTfModel(path);
    case ModelFormat::kTorch:
      return InvalidArgument(path + ": a PyTorch model has no graph to show; export it first");
  }
  return Internal("unreachable");
}

namespace {

std::vector<check::TensorSpec> SpecsOf(const std::vector<ir::Value*>& values) {
  std::vector<check::TensorSpec> specs;
  for (const ir::Value* v : values) {
    check::TensorSpec s;
    s.name = v->name();
    s.dtype = v->dtype();
    s.has_shape = v->info().shape.has_value();
    if (s.has_shape)
      for (const ir::Dim& d : *v->info().shape) s.dims.push_back(d.known() ? d.value : -1);
    specs.push_back(std::move(s));
  }
  return specs;
}

// An ONNX or TF graph run by ferry's runtime.
class SessionRunner final : public check::ModelRunner {
 public:
  SessionRunner(std::string kind, std::unique_ptr<runtime::Session> s)
      : kind_(std::move(kind)), session_(std::move(s)),
        inputs_(SpecsOf(session_->inputs())), outputs_(SpecsOf(session_->outputs())) {}
  std::string kind() const override { return kind_; }
  const std::vector<check::TensorSpec>& inputs() const override { return inputs_; }
  const std::vector<check::TensorSpec>& outputs() const override { return outputs_; }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& in) const override {
    return session_->Run(in);
  }
  StatusOr<std::map<std::string, Tensor>> RunAndKeepAll(
      const std::vector<Tensor>& in) const override {
    return session_->RunAndKeepAll(in);
  }

 private:
  std::string kind_;
  std::unique_ptr<runtime::Session> session_;
  std::vector<check::TensorSpec> inputs_, outputs_;
};

// A ferry checkpoint or TorchScript module run by libtorch.
class TorchRunner final : public check::ModelRunner {
 public:
  explicit TorchRunner(std::unique_ptr<torch::TorchForward> m) : model_(std::move(m)) {
    for (const auto& s : model_->inputs()) {
      check::TensorSpec spec{s.name, s.dtype, {}, s.shape.has_value()};
      if (s.shape) spec.dims = *s.shape;
      inputs_.push_back(std::move(spec));
    }
    // A TorchScript forward names its outputs only once it has run: check then matches them
    // by position.
    for (const auto& name : model_->output_names())
      outputs_.push_back({name, DataType::kFloat32, {}, false});
  }
  std::string kind() const override { return "torch"; }
  const std::vector<check::TensorSpec>& inputs() const override { return inputs_; }
  const std::vector<check::TensorSpec>& outputs() const override { return outputs_; }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& in) const override {
    return model_->Run(in);
  }

 private:
  std::unique_ptr<torch::TorchForward> model_;
  std::vector<check::TensorSpec> inputs_, outputs_;
};

}  // namespace

StatusOr<std::unique_ptr<check::ModelRunner>> OpenModel(const std::string& path,
                                                        const OpenOptions& options) {
  FERRY_ASSIGN_OR_RETURN(ModelFormat f, DetectFormat(path));
  if (f == ModelFormat::kTorch) {
    FERRY_ASSIGN_OR_RETURN(const torch::TorchBackend* backend, torch::LoadTorchBackend());
    FERRY_ASSIGN_OR_RETURN(auto m, backend->LoadModel(path));
    return std::unique_ptr<check::ModelRunner>(new TorchRunner(std::move(m)));
  }
  FERRY_ASSIGN_OR_RETURN(std::shared_ptr<ir::Graph> g, LoadGraph(path, nullptr));
  return OpenGraph(std::move(g), f, path, options);
}

StatusOr<std::unique_ptr<check::ModelRunner>> OpenGraph(std::shared_ptr<ir::Graph> g,
                                                        ModelFormat format,
                                                        const std::string& label,
                                                        const OpenOptions& options) {
  if (format == ModelFormat::kTorch)
    return InvalidArgument(label + ": a PyTorch model is not an IR graph");
  const runtime::OpSet& ops = format == ModelFormat::kOnnx ? onnx::OnnxOpSet() : tf::TfOpSet();
  // Run-only sessions pack convolution weights as they are built, which wants each Conv's
  // input shape: exported models rarely declare intermediate shapes (failures change
  // nothing: the weights are then packed on the first run).
  if (format == ModelFormat::kOnnx && !options.keep_original_graph) (void)onnx::InferShapes(*g);
  runtime::SessionOptions so;
  so.num_threads = options.num_threads;
  so.keep_original_graph = options.keep_original_graph;
  so.profile = options.profile;
  auto session = runtime::Session::Create(std::move(g), ops, so);
  if (!session.ok()) return session.status().WithContext(label);
  return std::unique_ptr<check::ModelRunner>(
      new SessionRunner(ModelFormatName(format), std::move(session).value()));
}

bool IsTfFormat(ModelFormat f) {
  return f == ModelFormat::kSavedModel || f == ModelFormat::kFrozenPb || f == ModelFormat::kTfjs;
}

StatusOr<std::vector<check::ValueLink>> LinkValues(const ir::Graph& onnx, const ir::Graph& tf) {
  const std::vector<tf::SourceValue> sources = tf::GetSourceValues(tf);
  if (sources.empty())
    return InvalidArgument(
        "the TF model carries no ONNX value map (\"_ferry_source\" node attributes): "
        "convert it with this version of ferry for a per-node check");
  std::map<std::string, check::Counterpart> counterparts;
  for (const tf::SourceValue& s : sources) counterparts[s.source] = {s.value, s.perm};
  return check::LinkValues(onnx, counterparts);
}

std::map<std::string, std::vector<int64_t>> InputPerms(const ir::Graph& tf) {
  std::map<std::string, std::vector<int64_t>> perms;
  for (const tf::SourceValue& s : tf::GetSourceValues(tf)) {
    if (s.perm.empty()) continue;
    for (const ir::Value* in : tf.inputs())
      if (in->name() == s.value) perms[s.value] = s.perm;
  }
  return perms;
}

}  // namespace ferry::cli
