// The parameters of the guide's SimpleCNN as plain ferry Tensors, named as PyTorch's
// state_dict names them. No libtorch here: the ONNX exporter and the CLI use this type.
//
//   conv1 = Conv2d(1, 32, 5, stride 2)   28x28 -> 12x12
//   max_pool = MaxPool2d(1)              (an identity, kept because the guide has it)
//   conv2 = Conv2d(32, 64, 5, stride 2)  12x12 -> 4x4, flattened to 64*4*4 = 1024
//   fc = Sequential(Linear(1024, 512), ReLU, Dropout, Linear(512, 10)); log_softmax
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/shape.h"
#include "core/status.h"
#include "core/tensor.h"

namespace ferry::torch {

inline constexpr const char* kSimpleCnnArch = "simplecnn";
inline constexpr int kSimpleCnnClasses = 10;
inline constexpr int kImageSize = 28;

// Name and shape of every parameter, in state_dict order.
const std::vector<std::pair<std::string, Shape>>& SimpleCnnParamSpecs();

struct SimpleCnnWeights {
  std::string arch = kSimpleCnnArch;
  // float32 tensors by state_dict name; ferry writes them in SimpleCnnParamSpecs() order.
  std::vector<std::pair<std::string, Tensor>> params;

  // The tensor named `name`, or nullptr.
  const Tensor* Find(const std::string& name) const;
  // Checks the arch, that every parameter is present once with its float32 shape and that
  // there is nothing else; the message names the parameter. `origin` prefixes it (a path).
  Status Validate(const std::string& origin) const;
};

}  // namespace ferry::torch
