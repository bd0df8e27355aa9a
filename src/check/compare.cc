#include "check/compare.h"

#include <algorithm>
#include <cmath>

namespace ferry::check {

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
    c.sum_diff += a - b;
    c.max_abs_error = std::max(c.max_abs_error, err);
    if (a != 0) c.max_rel_error = std::max(c.max_rel_error, err / std::fabs(a));
    bool ok = exact ? err == 0 : err <= tol.atol + tol.rtol * std::fabs(a);
    if (!ok) ++c.num_mismatched;
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
}

}  // namespace ferry::check
