// The op registry: (domain, op type, since-version) -> a factory of Ops. One table per
// op set (ONNX in src/onnx/ops, TF in src/tf/ops); a session is built against one table.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "runtime/op.h"

namespace ferry::runtime {

using OpFactory = std::function<std::unique_ptr<Op>(const NodeInfo&)>;

class OpSet {
 public:
  explicit OpSet(std::string name) : name_(std::move(name)) {}
  const std::string& name() const { return name_; }

  // Registers T (constructible from const NodeInfo&) for `op` from version `since` on,
  // until a later registration of the same op takes over.
  template <typename T>
  void Add(const std::string& op, int since, const std::string& domain = "") {
    AddFactory(domain, op, since,
               [](const NodeInfo& info) -> std::unique_ptr<Op> { return std::make_unique<T>(info); });
  }
  void AddFactory(const std::string& domain, const std::string& op, int since, OpFactory f);

  // The factory with the highest `since` not above `version`; nullptr if none.
  const OpFactory* Find(const std::string& domain, const std::string& op, int64_t version) const;
  bool Has(const std::string& domain, const std::string& op) const;
  // "Conv", "ai.onnx.ml:TreeEnsembleClassifier", ... sorted.
  std::vector<std::string> OpNames() const;

 private:
  std::string name_;
  std::map<std::pair<std::string, std::string>, std::map<int, OpFactory>> table_;
};

}  // namespace ferry::runtime
