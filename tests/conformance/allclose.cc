#include "allclose.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <sstream>

namespace ferry::conformance {
namespace {

std::string FormatIndex(const Shape& shape, int64_t flat) {
  std::vector<int64_t> idx(shape.rank());
  for (int d = shape.rank() - 1; d >= 0; --d) {
    const int64_t n = shape[d] > 0 ? shape[d] : 1;
    idx[d] = flat % n;
    flat /= n;
  }
  std::string s = "[";
  for (size_t i = 0; i < idx.size(); ++i) s += (i ? "," : "") + std::to_string(idx[i]);
  return s + "]";
}

bool IsExact(DataType t) { return !IsFloating(t); }

// numpy.isclose(a, b, rtol, atol, equal_nan=True) with b the desired value.
bool Close(double actual, double desired, const Tolerance& tol) {
  if (std::isnan(actual) || std::isnan(desired)) return std::isnan(actual) && std::isnan(desired);
  if (std::isinf(actual) || std::isinf(desired)) return actual == desired;
  return std::fabs(actual - desired) <= tol.atol + tol.rtol * std::fabs(desired);
}

}  // namespace

std::string AllCloseMismatch(const Tensor& actual, const Tensor& expected, const Tolerance& tol) {
  if (!actual.defined()) return "no value was produced";
  if (actual.dtype() != expected.dtype())
    return std::string("dtype ") + DataTypeName(actual.dtype()) + ", expected " +
           DataTypeName(expected.dtype());
  if (actual.shape() != expected.shape())
    return "shape " + actual.shape().ToString() + ", expected " + expected.shape().ToString();
  const int64_t n = expected.NumElements();
  int64_t bad = 0;
  int64_t first = -1;
  double max_err = 0;
  for (int64_t i = 0; i < n; ++i) {
    bool ok;
    if (expected.dtype() == DataType::kString) {
      ok = actual.strings()[i] == expected.strings()[i];
    } else if (expected.dtype() == DataType::kInt64 || expected.dtype() == DataType::kUInt64) {
      // Compared as integers: doubles lose precision beyond 2^53.
      ok = std::memcmp(static_cast<const char*>(actual.raw_data()) + i * 8,
                       static_cast<const char*>(expected.raw_data()) + i * 8, 8) == 0;
    } else if (IsExact(expected.dtype())) {
      ok = actual.GetAsDouble(i) == expected.GetAsDouble(i);
    } else {
      const double a = actual.GetAsDouble(i);
      const double e = expected.GetAsDouble(i);
      ok = Close(a, e, tol);
      if (!ok && std::isfinite(a) && std::isfinite(e))
        max_err = std::max(max_err, std::fabs(a - e));
    }
    if (!ok) {
      ++bad;
      if (first < 0) first = i;
    }
  }
  if (bad == 0) return "";
  std::ostringstream msg;
  msg.precision(9);
  msg << bad << " of " << n << " elements differ; first at " << FormatIndex(expected.shape(), first)
      << ": got ";
  if (expected.dtype() == DataType::kString) {
    msg << "'" << actual.strings()[first] << "', expected '" << expected.strings()[first] << "'";
  } else if (expected.dtype() == DataType::kInt64) {
    msg << actual.data<int64_t>()[first] << ", expected " << expected.data<int64_t>()[first];
  } else if (expected.dtype() == DataType::kUInt64) {
    msg << actual.data<uint64_t>()[first] << ", expected " << expected.data<uint64_t>()[first];
  } else {
    msg << actual.GetAsDouble(first) << ", expected " << expected.GetAsDouble(first);
  }
  if (max_err > 0) msg << "; max abs error " << max_err;
  return msg.str();
}

}  // namespace ferry::conformance
