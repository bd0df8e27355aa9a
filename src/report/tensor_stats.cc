#include "report/tensor_stats.h"

#include <algorithm>
#include <cmath>

#include "report/html.h"

namespace ferry::report {
namespace {

template <typename Get>
TensorStats Accumulate(int64_t n, Get get) {
  TensorStats s;
  // Welford's update: one pass, no catastrophic cancellation on large tensors.
  double mean = 0, m2 = 0;
  for (int64_t i = 0; i < n; ++i) {
    const double v = get(i);
    if (!std::isfinite(v)) {
      ++s.nonfinite;
      continue;
    }
    if (s.count == 0) s.min = s.max = v;
    s.min = std::min(s.min, v);
    s.max = std::max(s.max, v);
    s.zeros += v == 0;
    ++s.count;
    const double d = v - mean;
    mean += d / static_cast<double>(s.count);
    m2 += d * (v - mean);
  }
  s.mean = mean;
  s.std = s.count > 0 ? std::sqrt(m2 / static_cast<double>(s.count)) : 0;
  return s;
}

}  // namespace

TensorStats ComputeStats(const Tensor& t) {
  if (!t.defined() || t.dtype() == DataType::kString) return {};
  const int64_t n = t.NumElements();
  if (t.dtype() == DataType::kFloat32) {
    const float* p = t.data<float>();
    return Accumulate(n, [p](int64_t i) { return static_cast<double>(p[i]); });
  }
  return Accumulate(n, [&t](int64_t i) { return t.GetAsDouble(i); });
}

std::string StatsToString(const TensorStats& s) {
  if (s.count == 0) return "no finite values";
  std::string r = "min " + FormatNumber(s.min) + "  max " + FormatNumber(s.max) + "  mean " +
                  FormatNumber(s.mean) + "  std " + FormatNumber(s.std);
  if (s.nonfinite) r += "  non-finite " + std::to_string(s.nonfinite);
  return r;
}

}  // namespace ferry::report
