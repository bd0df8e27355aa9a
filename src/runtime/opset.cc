#include "runtime/opset.h"

namespace ferry::runtime {

void OpSet::AddFactory(const std::string& domain, const std::string& op, int since, OpFactory f) {
  table_[{domain, op}][since] = std::move(f);
}

const OpFactory* OpSet::Find(const std::string& domain, const std::string& op,
                             int64_t version) const {
  auto it = table_.find({domain == "ai.onnx" ? "" : domain, op});
  if (it == table_.end()) return nullptr;
  const OpFactory* best = nullptr;
  for (const auto& [since, f] : it->second) {
    if (since <= version) best = &f;
  }
  return best;
}

bool OpSet::Has(const std::string& domain, const std::string& op) const {
  return table_.count({domain, op}) != 0;
}

std::vector<std::string> OpSet::OpNames() const {
  std::vector<std::string> r;
  for (const auto& [k, v] : table_) r.push_back(k.first.empty() ? k.second : k.first + ":" + k.second);
  return r;
}

}  // namespace ferry::runtime
