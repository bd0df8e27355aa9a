#include "runtime/profile.h"

#include <algorithm>

namespace ferry::runtime {

void StepProfile::Record(const std::string& name, const std::string& op_type, double micros) {
  std::lock_guard<std::mutex> lock(mu_);
  auto [it, added] = index_.emplace(std::make_pair(name, op_type), nodes_.size());
  if (added) nodes_.push_back(Node{name, op_type, {}});
  nodes_[it->second].micros.push_back(micros);
}

std::vector<StepProfile::Node> StepProfile::nodes() const {
  std::lock_guard<std::mutex> lock(mu_);
  return nodes_;
}

void StepProfile::Clear() {
  std::lock_guard<std::mutex> lock(mu_);
  nodes_.clear();
  index_.clear();
}

double StepProfile::Median(std::vector<double> v) {
  if (v.empty()) return 0.0;
  const size_t mid = v.size() / 2;
  std::nth_element(v.begin(), v.begin() + mid, v.end());
  if (v.size() % 2) return v[mid];
  const double upper = v[mid];
  return (*std::max_element(v.begin(), v.begin() + mid) + upper) / 2;
}

}  // namespace ferry::runtime
