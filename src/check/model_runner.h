// A model as `check`, `run`, `bench` and `serve` see it: named, typed inputs and outputs and
// a Run. How it runs (libtorch, ferry's ONNX runtime, ferry's TF runtime) is the
// implementation's business; check compares any two.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace ferry::check {

struct TensorSpec {
  std::string name;
  DataType dtype = DataType::kFloat32;
  std::vector<int64_t> dims;  // -1 where unknown (a dynamic or named dim)
  bool has_shape = true;      // false: rank unknown
  std::string ShapeString() const;
};

class ModelRunner {
 public:
  virtual ~ModelRunner() = default;
  // "torch", "onnx", "savedmodel", "frozen-pb", "tfjs"
  virtual std::string kind() const = 0;
  virtual const std::vector<TensorSpec>& inputs() const = 0;
  virtual const std::vector<TensorSpec>& outputs() const = 0;
  virtual StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& inputs) const = 0;
  // Runs and keeps every intermediate value, by value name (the per-node check). Models
  // that cannot show their intermediates (libtorch) keep the default.
  virtual StatusOr<std::map<std::string, Tensor>> RunAndKeepAll(
      const std::vector<Tensor>& inputs) const {
    return Unimplemented(kind() + " model: intermediate values cannot be read");
  }
};

}  // namespace ferry::check
