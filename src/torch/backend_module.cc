// The TorchBackend of libferry_torch.so (see backend.h): forwards to src/torch's functions.
// Built only into the module, whose one exported symbol is the factory at the end.
#include "torch/backend.h"

#include "torch/checkpoint.h"

namespace ferry::torch {
namespace {

class Forward final : public TorchForward {
 public:
  explicit Forward(std::unique_ptr<TorchModel> m) : model_(std::move(m)) {}
  const std::vector<TorchInputSpec>& inputs() const override { return model_->inputs(); }
  const std::vector<std::string>& output_names() const override {
    return model_->output_names();
  }
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) const override {
    return model_->Run(inputs);
  }

 private:
  std::unique_ptr<TorchModel> model_;
};

class Backend final : public TorchBackend {
 public:
  StatusOr<TrainResult> Train(const TrainOptions& options) const override {
    return torch::Train(options);
  }
  StatusOr<SimpleCnnWeights> LoadCheckpoint(const std::string& path) const override {
    return torch::LoadCheckpoint(path);
  }
  StatusOr<SimpleCnnWeights> LoadLightningCheckpoint(const std::string& path,
                                                     const std::string& arch) const override {
    return torch::LoadLightningCheckpoint(path, arch);
  }
  StatusOr<std::unique_ptr<TorchForward>> LoadModel(const std::string& path) const override {
    FERRY_ASSIGN_OR_RETURN(std::unique_ptr<TorchModel> m, TorchModel::Load(path));
    return std::unique_ptr<TorchForward>(new Forward(std::move(m)));
  }
  bool IsTorchScriptFile(const std::string& path) const override {
    return torch::IsTorchScriptFile(path);
  }
  StatusOr<convert::torch_to_onnx::AtenGraph> ReadTorchScript(
      const std::string& path, const std::vector<TorchScriptInput>& inputs) const override {
    return torch::ReadTorchScript(path, inputs);
  }
};

}  // namespace
}  // namespace ferry::torch

extern "C" __attribute__((visibility("default"))) const ferry::torch::TorchBackend*
ferry_torch_backend_v1() {
  static const ferry::torch::Backend backend;
  return &backend;
}
