// Summary statistics of a weight tensor, for the node panel of `ferry inspect --format html`
// and for checkpoint listings.
#pragma once

#include <cstdint>
#include <string>

#include "core/tensor.h"

namespace ferry::report {

struct TensorStats {
  int64_t count = 0;                           // finite elements the statistics cover
  int64_t nonfinite = 0;                       // NaN and +-inf elements, left out of the statistics
  double min = 0, max = 0, mean = 0, std = 0;  // population std (numpy's default ddof=0)
  int64_t zeros = 0;
};

// Numeric tensors only; a string tensor gives count 0.
TensorStats ComputeStats(const Tensor& t);

// "min -0.31 max 0.29 mean 0.0012 std 0.058".
std::string StatsToString(const TensorStats& s);

}  // namespace ferry::report
