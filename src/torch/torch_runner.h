// libtorch forward for `ferry check`: runs a ferry checkpoint (the SimpleCNN rebuilt in eval
// mode) or a TorchScript file (torch.jit.save) on ferry Tensors. No libtorch types here.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/dtype.h"
#include "core/status.h"
#include "core/tensor.h"

namespace ferry::torch {

struct TorchInputSpec {
  std::string name;
  DataType dtype = DataType::kFloat32;
  // -1 marks a dynamic dim (the batch); nullopt when the model does not say (TorchScript).
  std::optional<std::vector<int64_t>> shape;
};

class TorchModel {
 public:
  enum class Kind { kFerryCheckpoint, kTorchScript };

  ~TorchModel();
  TorchModel(const TorchModel&) = delete;
  TorchModel& operator=(const TorchModel&) = delete;

  // Reads `path`: a ferry checkpoint (see checkpoint.h) or a TorchScript archive, told apart
  // by the archive's records (TorchScript archives hold code/ and constants.pkl).
  static StatusOr<std::unique_ptr<TorchModel>> Load(const std::string& path);

  Kind kind() const;
  const std::vector<TorchInputSpec>& inputs() const;
  // Names of the outputs: {"output"} for a checkpoint; "output_<i>" for TorchScript, known
  // after the first Run (a scripted forward does not declare how many tensors it returns).
  const std::vector<std::string>& output_names() const;

  // Eval-mode forward without autograd. Inputs are positional; a TorchScript forward that
  // returns a tuple or list of tensors yields them in order.
  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) const;

 private:
  struct Impl;
  explicit TorchModel(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::torch
