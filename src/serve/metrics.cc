#include "serve/metrics.h"

#include <charconv>

namespace ferry::serve {
namespace {

std::string Num(double v) {
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

// Latency buckets from 100 us to 10 s; batch sizes in powers of two.
std::vector<double> LatencyBounds() {
  return {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
          0.05,   0.1,     0.25,   0.5,   1,      2.5,    5,     10};
}
std::vector<double> BatchBounds() {
  std::vector<double> b;
  for (double v = 1; v <= 1024; v *= 2) b.push_back(v);
  return b;
}

std::string Labels(const std::string& model, const std::string& api) {
  return "model=\"" + EscapeLabel(model) + "\",api=\"" + EscapeLabel(api) + "\"";
}

void Header(const char* name, const char* type, const char* help, std::string* out) {
  *out += std::string("# HELP ") + name + " " + help + "\n# TYPE " + name + " " + type + "\n";
}

}  // namespace

std::string EscapeLabel(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\') out += "\\\\";
    else if (c == '"') out += "\\\"";
    else if (c == '\n') out += "\\n";
    else out += c;
  }
  return out;
}

Histogram::Histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), counts_(bounds_.size() + 1, 0) {}

void Histogram::Observe(double v) {
  size_t i = 0;
  while (i < bounds_.size() && v > bounds_[i]) ++i;
  ++counts_[i];
  sum_ += v;
  ++count_;
}

void Histogram::Render(const std::string& name, const std::string& labels,
                       std::string* out) const {
  uint64_t cumulative = 0;
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    cumulative += counts_[i];
    const std::string le = i < bounds_.size() ? Num(bounds_[i]) : "+Inf";
    *out += name + "_bucket{" + labels + ",le=\"" + le + "\"} " + std::to_string(cumulative) +
            "\n";
  }
  *out += name + "_sum{" + labels + "} " + Num(sum_) + "\n";
  *out += name + "_count{" + labels + "} " + std::to_string(count_) + "\n";
}

void Metrics::RecordRequest(const std::string& model, const std::string& api, int http_code,
                            double seconds) {
  const std::string labels = Labels(model, api);
  const std::string with_code = labels + ",code=\"" + std::to_string(http_code) + "\"";
  std::lock_guard<std::mutex> lock(mu_);
  ++requests_[with_code];
  if (http_code >= 400) ++errors_[with_code];
  latency_.try_emplace(labels, LatencyBounds()).first->second.Observe(seconds);
}

void Metrics::RecordBatch(const std::string& model, int64_t rows) {
  const std::string labels = "model=\"" + EscapeLabel(model) + "\"";
  std::lock_guard<std::mutex> lock(mu_);
  batch_size_.try_emplace(labels, BatchBounds()).first->second.Observe(static_cast<double>(rows));
}

void Metrics::RecordLoad(const std::string& model, bool ok) {
  const std::string labels =
      "model=\"" + EscapeLabel(model) + "\",result=\"" + (ok ? "ok" : "error") + "\"";
  std::lock_guard<std::mutex> lock(mu_);
  ++loads_[labels];
}

uint64_t Metrics::RequestCount(const std::string& model, const std::string& api,
                               int http_code) const {
  const std::string key = Labels(model, api) + ",code=\"" + std::to_string(http_code) + "\"";
  std::lock_guard<std::mutex> lock(mu_);
  auto it = requests_.find(key);
  return it == requests_.end() ? 0 : it->second;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard<std::mutex> lock(mu_);
  Header("ferry_serve_requests_total", "counter",
         "Requests answered, by model, API and HTTP status code.", &out);
  for (const auto& [l, n] : requests_)
    out += "ferry_serve_requests_total{" + l + "} " + std::to_string(n) + "\n";
  Header("ferry_serve_request_errors_total", "counter",
         "Requests answered with an HTTP status of 400 or more.", &out);
  for (const auto& [l, n] : errors_)
    out += "ferry_serve_request_errors_total{" + l + "} " + std::to_string(n) + "\n";
  Header("ferry_serve_request_latency_seconds", "histogram",
         "Time from a request's arrival (body read) to its response.", &out);
  for (const auto& [l, h] : latency_) h.Render("ferry_serve_request_latency_seconds", l, &out);
  Header("ferry_serve_batch_size", "histogram",
         "Rows per model run (merged requests when batching is on).", &out);
  for (const auto& [l, h] : batch_size_) h.Render("ferry_serve_batch_size", l, &out);
  Header("ferry_serve_model_loads_total", "counter", "Model version loads, by result.", &out);
  for (const auto& [l, n] : loads_)
    out += "ferry_serve_model_loads_total{" + l + "} " + std::to_string(n) + "\n";
  return out;
}

}  // namespace ferry::serve
