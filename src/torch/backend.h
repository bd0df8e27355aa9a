// The libtorch half of ferry, behind an interface without libtorch types.
//
// Everything in src/torch that includes libtorch (training, ferry and Lightning checkpoints,
// the TorchScript reader, libtorch's forward for `check`) is built into a shared module,
// libferry_torch.so, beside the `ferry` executable. The executable does not link libtorch:
// commands that need it (train, export, check or run with a .pt, inspect of a checkpoint,
// demo) load the module on first use through LoadTorchBackend(); every other command starts
// without libtorch's hundreds of libraries and static initialisers (about 160 MB resident).
//
// The module exports one symbol, the factory kTorchBackendFactory; everything else in it
// is local (a version script), so ferry's static libraries linked into both the executable
// and the module never bind to each other's copies. Objects cross the boundary only as the
// plain types below (ferry Tensors, Status, std containers); the module is never unloaded,
// so buffers it allocated stay valid wherever they are freed.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "convert/torch_to_onnx/aten_graph.h"
#include "core/status.h"
#include "core/tensor.h"
#include "torch/simple_cnn_weights.h"
#include "torch/torch_runner.h"
#include "torch/torchscript_reader.h"
#include "torch/train.h"

namespace ferry::torch {

// A model run by libtorch's forward (see TorchModel in torch_runner.h).
class TorchForward {
 public:
  virtual ~TorchForward() = default;
  virtual const std::vector<TorchInputSpec>& inputs() const = 0;
  // Known after the first Run for TorchScript (see TorchModel::output_names).
  virtual const std::vector<std::string>& output_names() const = 0;
  virtual StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) const = 0;
};

// The entry points of the commands that need libtorch; each is the function of the same
// name in src/torch (train.h, checkpoint.h, torch_runner.h, torchscript_reader.h).
class TorchBackend {
 public:
  virtual ~TorchBackend() = default;
  virtual StatusOr<TrainResult> Train(const TrainOptions& options) const = 0;
  virtual StatusOr<SimpleCnnWeights> LoadCheckpoint(const std::string& path) const = 0;
  virtual StatusOr<SimpleCnnWeights> LoadLightningCheckpoint(const std::string& path,
                                                             const std::string& arch) const = 0;
  virtual StatusOr<std::unique_ptr<TorchForward>> LoadModel(const std::string& path) const = 0;
  virtual bool IsTorchScriptFile(const std::string& path) const = 0;
  virtual StatusOr<convert::torch_to_onnx::AtenGraph> ReadTorchScript(
      const std::string& path, const std::vector<TorchScriptInput>& inputs) const = 0;
};

// The module's file name, and its factory: extern "C" const TorchBackend* <name>(). The
// version in the name changes with this interface, so a stale module is refused by name.
inline constexpr const char* kTorchModuleFile = "libferry_torch.so";
inline constexpr const char* kTorchBackendFactory = "ferry_torch_backend_v1";
// Set to a path, the module is loaded from there instead (tests, unusual installs).
inline constexpr const char* kTorchModuleEnv = "FERRY_TORCH_MODULE";

// The backend, loaded once (thread-safe) from $FERRY_TORCH_MODULE, else from the folder of
// the running executable (/proc/self/exe), else from <that folder>/../lib/ferry. The error
// (kFailedPrecondition) is one line naming the file and dlopen's reason.
StatusOr<const TorchBackend*> LoadTorchBackend();

}  // namespace ferry::torch
