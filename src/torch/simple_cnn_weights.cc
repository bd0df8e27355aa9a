#include "torch/simple_cnn_weights.h"

#include <set>

namespace ferry::torch {

const std::vector<std::pair<std::string, Shape>>& SimpleCnnParamSpecs() {
  // fc.1 is the ReLU and fc.2 the Dropout of the Sequential: they have no parameters.
  static const auto* specs = new std::vector<std::pair<std::string, Shape>>{
      {"conv1.weight", Shape{32, 1, 5, 5}},  {"conv1.bias", Shape{32}},
      {"conv2.weight", Shape{64, 32, 5, 5}}, {"conv2.bias", Shape{64}},
      {"fc.0.weight", Shape{512, 1024}},     {"fc.0.bias", Shape{512}},
      {"fc.3.weight", Shape{10, 512}},       {"fc.3.bias", Shape{10}},
  };
  return *specs;
}

const Tensor* SimpleCnnWeights::Find(const std::string& name) const {
  for (const auto& [n, t] : params) {
    if (n == name) return &t;
  }
  return nullptr;
}

Status SimpleCnnWeights::Validate(const std::string& origin) const {
  const std::string where = origin.empty() ? "SimpleCNN weights" : origin;
  if (arch != kSimpleCnnArch) {
    return InvalidArgument(where + ": arch is '" + arch + "', expected '" + kSimpleCnnArch + "'");
  }
  std::set<std::string> seen;
  for (const auto& [name, t] : params) {
    if (!seen.insert(name).second) {
      return InvalidArgument(where + ": parameter '" + name + "' appears twice");
    }
  }
  for (const auto& [name, shape] : SimpleCnnParamSpecs()) {
    const Tensor* t = Find(name);
    if (t == nullptr) return InvalidArgument(where + ": parameter '" + name + "' is missing");
    if (t->dtype() != DataType::kFloat32 || t->shape() != shape) {
      return InvalidArgument(where + ": parameter '" + name + "' is " + t->DebugString() +
                             ", expected float32" + shape.ToString());
    }
    seen.erase(name);
  }
  if (!seen.empty()) {
    return InvalidArgument(where + ": unexpected parameter '" + *seen.begin() + "'");
  }
  return Status::Ok();
}

}  // namespace ferry::torch
