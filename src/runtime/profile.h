// StepProfile: the wall time of every step of a session's runs, for `ferry bench --profile`
// (onnxruntime's enableProfiling, per node). A session records into it when
// SessionOptions::profile is set; sessions prepared per input shape share their parent's.
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ferry::runtime {

class StepProfile {
 public:
  struct Node {
    std::string name, op_type;
    std::vector<double> micros;  // one per run that executed the node, in run order
  };

  // Thread-safe. A node is known by its name and op type: the same node of sessions
  // prepared for other shapes adds to the same row.
  void Record(const std::string& name, const std::string& op_type, double micros);
  // Rows in the order their nodes first ran.
  std::vector<Node> nodes() const;
  // Forgets every time recorded so far (after warm-up runs).
  void Clear();

  // The median of `v` (0 for none).
  static double Median(std::vector<double> v);

 private:
  mutable std::mutex mu_;
  std::vector<Node> nodes_;
  std::map<std::pair<std::string, std::string>, size_t> index_;
};

}  // namespace ferry::runtime
