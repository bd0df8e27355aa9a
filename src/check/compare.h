// Output comparison with numpy's assert_allclose(actual, desired, rtol, atol) semantics:
// an element passes when |actual - desired| <= atol + rtol * |desired|; NaNs must sit at the
// same positions; integers, bools and strings compare exactly.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"

namespace ferry::check {

struct Tolerance {
  double atol = 1e-5;
  double rtol = 1e-3;
};

struct Comparison {
  std::string name;
  std::string desired_shape;  // "[1,10]"
  std::string actual_shape;
  DataType dtype = DataType::kUndefined;
  bool shape_match = true;
  int64_t num_elements = 0;
  int64_t num_mismatched = 0;  // outside tolerance (or NaN placement differs)
  double max_abs_error = 0;    // max |actual - desired|
  double max_rel_error = 0;    // max |actual - desired| / |desired| over desired != 0
  double sum_diff = 0;         // sum(desired - actual): the guide's own printed number
  // Counts of |actual - desired| by decade over the finite pairs (see ErrorBinLabel); empty
  // when no element was compared numerically (shape mismatch, strings).
  std::vector<int64_t> error_histogram;
  std::vector<int64_t> mismatch_histogram;  // the part of each bin outside the tolerance
  bool pass() const { return shape_match && num_mismatched == 0; }
};

// The error histogram's bins: 0 holds exact matches, 1 holds (0, 1e-9], bin k holds
// (1e-(11-k), 1e-(10-k)] up to bin 10's (0.1, 1], and bin 11 holds errors above 1.
inline constexpr int kErrorBins = 12;
int ErrorBin(double abs_error);
std::string ErrorBinLabel(int bin);  // "0", "<=1e-9", "1e-9..1e-8", ..., ">1"

// Compares actual (B) against desired (A). dtypes may differ (TF.js maps float64 to
// float32); values are compared as double then.
Comparison Compare(const std::string& name, const Tensor& desired, const Tensor& actual,
                   const Tolerance& tol);

// Merges comparisons of the same output over several trials (max of maxima, sum of counts).
void Accumulate(const Comparison& trial, Comparison* total);

}  // namespace ferry::check
