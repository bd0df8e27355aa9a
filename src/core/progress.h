// A progress bar on a terminal, plain lines when stderr is not one (CI logs, pipes).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

namespace ferry {

class ProgressBar {
 public:
  // total: number of steps; label: what is counted ("epoch 1/3").
  ProgressBar(int64_t total, std::string label);
  ~ProgressBar();
  // Advances to `done` steps; `suffix` is shown after the bar ("loss 0.412, 3100 samples/s").
  void Update(int64_t done, const std::string& suffix);
  void Finish(const std::string& suffix);
  static bool StderrIsTerminal();

 private:
  int64_t total_;
  std::string label_;
  bool tty_;
  bool finished_ = false;
  int last_decile_ = -1;
  std::chrono::steady_clock::time_point last_draw_;
};

}  // namespace ferry
