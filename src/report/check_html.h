// `ferry check A B --html FILE`: the check as a page. A summary table per output (shape,
// max abs/rel error, mismatches, PASS/FAIL), a histogram of |b - a| by decade per output
// (bars past the tolerance in red), and, when the check compared intermediate values, the
// per-node error list sorted by where the error first grows.
#pragma once

#include <string>

#include "check/check.h"

namespace ferry::report {

struct CheckHtmlOptions {
  std::string a_path, b_path;  // the two models, as given on the command line
};

std::string CheckReportHtml(const check::CheckReport& report, const check::Tolerance& tol,
                            const CheckHtmlOptions& options);

}  // namespace ferry::report
