#include "check/compare.h"

#include <algorithm>
#include <cmath>

namespace ferry::check {

// Upper edges of bins 1..10, written as literals so that 1e-3 itself lands in its bin.
constexpr double kErrorEdges[] = {1e-9, 1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1.0};

int ErrorBin(double abs_error) {
  if (abs_error <= 0) return 0;
  for (int i = 0; i < kErrorBins - 2; ++i)
    if (abs_error <= kErrorEdges[i]) return i + 1;
  return kErrorBins - 1;
}

std::string ErrorBinLabel(int bin) {
  if (bin <= 0) return "0";
  if (bin == 1) return "<=1e-9";
  if (bin >= kErrorBins - 1) return ">1";
  auto exp10 = [](int e) { return e == 0 ? std::string("1") : "1e" + std::to_string(e); };
  return exp10(bin - 11) + ".." + exp10(bin - 10);
}

Comparison Compare(const std::string& name, const Tensor& desired, const Tensor& actual,
                   const Tolerance& tol) {
  Comparison c;
  c.name = name;
  c.dtype = desired.dtype();
  c.desired_shape = desired.shape().ToString();
  c.actual_shape = actual.shape().ToString();
  c.num_elements = desired.NumElements();
  if (desired.shape() != actual.shape()) {
    c.shape_match = false;
    c.num_mismatched = c.num_elements;
    return c;
  }
  if (desired.dtype() == DataType::kString || actual.dtype() == DataType::kString) {
    if (desired.dtype() != actual.dtype()) {
      c.num_mismatched = c.num_elements;
      return c;
    }
    for (int64_t i = 0; i < c.num_elements; ++i)
      c.num_mismatched += desired.strings()[i] != actual.strings()[i];
    return c;
  }
  const bool exact = !IsFloating(desired.dtype()) && !IsFloating(actual.dtype());
  for (int64_t i = 0; i < c.num_elements; ++i) {
    double a = desired.GetAsDouble(i);
    double b = actual.GetAsDouble(i);
    if (std::isnan(a) || std::isnan(b)) {
      if (std::isnan(a) != std::isnan(b)) ++c.num_mismatched;
      continue;
    }
    if (std::isinf(a) || std::isinf(b)) {
      if (a != b) ++c.num_mismatched;
      continue;
    }
    double err = std::fabs(b - a);
    if (c.error_histogram.empty()) {
      c.error_histogram.assign(kErrorBins, 0);
      c.mismatch_histogram.assign(kErrorBins, 0);
    }
    c.error_histogram[ErrorBin(err)]++;
    c.sum_diff += a - b;
    c.max_abs_error = std::max(c.max_abs_error, err);
    if (a != 0) c.max_rel_error = std::max(c.max_rel_error, err / std::fabs(a));
    bool ok = exact ? err == 0 : err <= tol.atol + tol.rtol * std::fabs(a);
    if (!ok) {
      ++c.num_mismatched;
      c.mismatch_histogram[ErrorBin(err)]++;
    }
  }
  return c;
}

void Accumulate(const Comparison& trial, Comparison* total) {
  if (total->name.empty()) {
    *total = trial;
    return;
  }
  total->shape_match = total->shape_match && trial.shape_match;
  total->num_elements += trial.num_elements;
  total->num_mismatched += trial.num_mismatched;
  total->max_abs_error = std::max(total->max_abs_error, trial.max_abs_error);
  total->max_rel_error = std::max(total->max_rel_error, trial.max_rel_error);
  total->sum_diff += trial.sum_diff;
  for (auto [mine, theirs] : {std::pair{&total->error_histogram, &trial.error_histogram},
                              std::pair{&total->mismatch_histogram, &trial.mismatch_histogram}}) {
    if (mine->empty()) mine->assign(kErrorBins, 0);
    for (size_t i = 0; i < theirs->size() && i < mine->size(); ++i) (*mine)[i] += (*theirs)[i];
  }
}

}  // namespace ferry::check
