// Server metrics in Prometheus' text exposition format (version 0.0.4): request counts by
// model, API and HTTP code; request latency and batch size histograms; model loads.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace ferry::serve {

class Histogram {
 public:
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  // Appends the _bucket, _sum and _count lines of `name` with `labels` ("a=\"b\",...").
  void Render(const std::string& name, const std::string& labels, std::string* out) const;

 private:
  std::vector<double> bounds_;
  std::vector<uint64_t> counts_;  // per bucket, not cumulative; one more for +Inf
  double sum_ = 0;
  uint64_t count_ = 0;
};

class Metrics {
 public:
  // One finished request. `model` is empty for requests that name no configured model.
  void RecordRequest(const std::string& model, const std::string& api, int http_code,
                     double seconds);
  void RecordBatch(const std::string& model, int64_t rows);
  void RecordLoad(const std::string& model, bool ok);
  std::string Render() const;

  // For tests: requests counted so far with this model, api and code.
  uint64_t RequestCount(const std::string& model, const std::string& api, int http_code) const;

 private:
  mutable std::mutex mu_;
  std::map<std::string, uint64_t> requests_;  // by rendered labels
  std::map<std::string, uint64_t> errors_;
  std::map<std::string, Histogram> latency_;
  std::map<std::string, Histogram> batch_size_;
  std::map<std::string, uint64_t> loads_;
};

// Escapes a label value (backslash, double quote, newline).
std::string EscapeLabel(const std::string& v);

}  // namespace ferry::serve
