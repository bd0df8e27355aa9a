#include "core/progress.h"

#include <unistd.h>

#include <cstdio>

namespace ferry {

ProgressBar::ProgressBar(int64_t total, std::string label)
    : total_(total > 0 ? total : 1), label_(std::move(label)), tty_(StderrIsTerminal()) {}

ProgressBar::~ProgressBar() {
  if (!finished_ && tty_) std::fputc('\n', stderr);
}

bool ProgressBar::StderrIsTerminal() { return isatty(fileno(stderr)) != 0; }

void ProgressBar::Update(int64_t done, const std::string& suffix) {
  const auto now = std::chrono::steady_clock::now();
  if (tty_) {
    // Redraw at most 10 times a second: drawing must not cost training time.
    if (done < total_ && now - last_draw_ < std::chrono::milliseconds(100)) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    int filled = static_cast<int>(kWidth * done / total_);
    std::string bar(filled, '#');
    bar.resize(kWidth, '.');
    std::fprintf(stderr, "\r%s [%s] %3d%% %s\033[K", label_.c_str(), bar.c_str(),
                 static_cast<int>(100 * done / total_), suffix.c_str());
    std::fflush(stderr);
  } else {
    // Plain lines: one per tenth of the work.
    int decile = static_cast<int>(10 * done / total_);
    if (decile == last_decile_) return;
    last_decile_ = decile;
    std::fprintf(stderr, "%s %lld/%lld %s\n", label_.c_str(), static_cast<long long>(done),
                 static_cast<long long>(total_), suffix.c_str());
  }
}

void ProgressBar::Finish(const std::string& suffix) {
  if (tty_) {
    last_draw_ = {};
    Update(total_, suffix);
    std::fputc('\n', stderr);
  } else if (last_decile_ != 10) {
    Update(total_, suffix);
  }
  finished_ = true;
}

}  // namespace ferry
