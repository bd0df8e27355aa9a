// The comparison of ONNX's backend test runner (onnx/backend/test/runner): dtypes and shapes
// must match exactly; floats as numpy.testing.assert_allclose(actual, desired, rtol, atol)
// with NaN == NaN at the same positions and infinities equal only to themselves; integers,
// bools and strings exactly.
#pragma once

#include <string>

#include "core/tensor.h"

namespace ferry::conformance {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-5;
};

// Empty when `actual` matches `expected`; otherwise one line saying how it differs
// (the first differing element, the count of differing elements, the largest error).
std::string AllCloseMismatch(const Tensor& actual, const Tensor& expected, const Tolerance& tol);

}  // namespace ferry::conformance
