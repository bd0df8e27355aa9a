// Fake models for the server tests: small ModelRunners whose outputs are easy to predict,
// loaded from a version folder holding `model.txt` (one "key value" per line):
//   kind scale|multi|strings|fixed   which fake (default scale)
//   factor F                         scale: y = x * F
//   delay_ms N                       sleep in every Run (for in-flight and batching tests)
//   fail                             the load fails, as a corrupt model would
#pragma once

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <unistd.h>

#include "check/model_runner.h"
#include "core/status.h"
#include "core/tensor.h"
#include "serve/model_repository.h"

namespace ferry::serve::testing {

using check::TensorSpec;

// Shared counters: how many runs, and the rows of each.
struct RunLog {
  std::mutex mu;
  std::vector<int64_t> batch_rows;
  std::atomic<int> loads{0};
};

class FakeModel : public check::ModelRunner {
 public:
  FakeModel(std::string kind, double factor, int delay_ms, std::shared_ptr<RunLog> log)
      : kind_(std::move(kind)), factor_(factor), delay_ms_(delay_ms), log_(std::move(log)) {
    if (kind_ == "scale") {
      inputs_ = {{"x", DataType::kFloat32, {-1, 3}}};
      outputs_ = {{"y", DataType::kFloat32, {-1, 3}}};
    } else if (kind_ == "fixed") {  // no dynamic batch dim: never batched
      inputs_ = {{"x", DataType::kFloat32, {2, 2}}};
      outputs_ = {{"y", DataType::kFloat32, {2, 2}}};
    } else if (kind_ == "multi") {
      inputs_ = {{"a", DataType::kFloat32, {-1, 2}},
                 {"b", DataType::kInt64, {-1}},
                 {"c", DataType::kBool, {-1}},
                 {"d", DataType::kFloat64, {-1}},
                 {"e", DataType::kInt32, {-1}}};
      outputs_ = {{"sum", DataType::kFloat32, {-1}},
                  {"b_plus_1", DataType::kInt64, {-1}},
                  {"not_c", DataType::kBool, {-1}},
                  {"d_times_2", DataType::kFloat64, {-1}},
                  {"e_minus_1", DataType::kInt32, {-1}}};
    } else {  // strings
      inputs_ = {{"text", DataType::kString, {-1}}};
      outputs_ = {{"length", DataType::kInt64, {-1}}, {"echo_bytes", DataType::kString, {-1}}};
    }
  }

  std::string kind() const override { return "onnx"; }
  const std::vector<TensorSpec>& inputs() const override { return inputs_; }
  const std::vector<TensorSpec>& outputs() const override { return outputs_; }

  StatusOr<std::vector<Tensor>> Run(const std::vector<Tensor>& in) const override {
    if (delay_ms_) std::this_thread::sleep_for(std::chrono::milliseconds(delay_ms_));
    if (log_) {
      std::lock_guard<std::mutex> lock(log_->mu);
      log_->batch_rows.push_back(in.at(0).rank() ? in.at(0).dim(0) : 0);
    }
    if (kind_ == "scale" || kind_ == "fixed") {
      Tensor y(DataType::kFloat32, in[0].shape());
      for (int64_t i = 0; i < y.NumElements(); ++i)
        y.data<float>()[i] = in[0].data<float>()[i] * static_cast<float>(factor_);
      return std::vector<Tensor>{y};
    }
    if (kind_ == "multi") {
      const int64_t n = in[0].dim(0);
      Tensor sum(DataType::kFloat32, Shape{n}), b(DataType::kInt64, Shape{n}),
          c(DataType::kBool, Shape{n}), d(DataType::kFloat64, Shape{n}),
          e(DataType::kInt32, Shape{n});
      for (int64_t i = 0; i < n; ++i) {
        sum.data<float>()[i] = in[0].data<float>()[2 * i] + in[0].data<float>()[2 * i + 1];
        b.data<int64_t>()[i] = in[1].data<int64_t>()[i] + 1;
        c.data<bool>()[i] = !in[2].data<bool>()[i];
        d.data<double>()[i] = in[3].data<double>()[i] * 2;
        e.data<int32_t>()[i] = in[4].data<int32_t>()[i] - 1;
      }
      return std::vector<Tensor>{sum, b, c, d, e};
    }
    const int64_t n = in[0].dim(0);
    Tensor len(DataType::kInt64, Shape{n}), echo(DataType::kString, Shape{n});
    for (int64_t i = 0; i < n; ++i) {
      len.data<int64_t>()[i] = static_cast<int64_t>(in[0].strings()[i].size());
      echo.strings()[i] = in[0].strings()[i];
    }
    return std::vector<Tensor>{len, echo};
  }

 private:
  std::string kind_;
  double factor_;
  int delay_ms_;
  std::shared_ptr<RunLog> log_;
  std::vector<TensorSpec> inputs_, outputs_;
};

// The ModelLoader the server tests inject.
inline ModelLoader FakeLoader(std::shared_ptr<RunLog> log = nullptr) {
  return [log](const std::string& dir) -> StatusOr<std::unique_ptr<check::ModelRunner>> {
    std::ifstream in(dir + "/model.txt");
    if (!in) return NotFound(dir + "/model.txt: no such file");
    std::string kind = "scale", key;
    double factor = 2;
    int delay = 0;
    std::string line;
    while (std::getline(in, line)) {
      std::istringstream ls(line);
      if (!(ls >> key)) continue;
      if (key == "fail") return InvalidArgument(dir + ": corrupt model (fake)");
      if (key == "kind") ls >> kind;
      if (key == "factor") ls >> factor;
      if (key == "delay_ms") ls >> delay;
    }
    if (log) ++log->loads;
    return std::unique_ptr<check::ModelRunner>(new FakeModel(kind, factor, delay, log));
  };
}

// Writes base/<version>/model.txt atomically (a temporary folder renamed into place), as a
// deployment tool should, so that the poller never sees half a version.
inline void WriteVersion(const std::filesystem::path& base, int64_t version,
                         const std::string& text) {
  namespace fs = std::filesystem;
  fs::create_directories(base);
  fs::path tmp = base / (".tmp-" + std::to_string(version));
  fs::create_directories(tmp);
  std::ofstream(tmp / "model.txt") << text;
  fs::rename(tmp, base / std::to_string(version));
}

// A fresh temporary folder, removed at destruction.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> n{0};
    path_ = std::filesystem::temp_directory_path() /
            ("ferry_serve_test_" + std::to_string(::getpid()) + "_" + std::to_string(n++));
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

}  // namespace ferry::serve::testing
