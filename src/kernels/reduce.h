// Reductions over a set of axes (mean, sum, max, min). Output has the input's rank with
// the reduced dims set to 1 (keepdims); callers drop them from the shape as they need.
#pragma once

#include <cstdint>
#include <vector>

namespace ferry::kernels {

enum class ReduceOp { kSum, kMean, kMax, kMin, kProd };

template <typename T>
void Reduce(ReduceOp op, const T* x, const std::vector<int64_t>& x_shape,
            const std::vector<int>& axes, T* y);

}  // namespace ferry::kernels
