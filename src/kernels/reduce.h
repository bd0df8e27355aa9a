// Reductions over a set of axes (mean, sum, max, min). Output has the input's rank with
// the reduced dims set to 1 (keepdims); callers drop them from the shape as they need.
#pragma once

#include <cstdint>
#include <vector>

namespace ferry::kernels {

// kL1 sums |x|, kL2 is sqrt(sum x^2), kSumSquare sums x^2, kLogSum is log(sum x) and
// kLogSumExp log(sum exp(x)) (ONNX ReduceL1/L2/SumSquare/LogSum/LogSumExp-13).
enum class ReduceOp { kSum, kMean, kMax, kMin, kProd, kL1, kL2, kSumSquare, kLogSum, kLogSumExp };

template <typename T>
void Reduce(ReduceOp op, const T* x, const std::vector<int64_t>& x_shape,
            const std::vector<int>& axes, T* y);

}  // namespace ferry::kernels
