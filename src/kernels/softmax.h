// Softmax and LogSoftmax over one axis of a tensor viewed as [outer, n, inner]. Any axis of
// any layout maps onto this view: outer = product of dims before the axis, inner = after.
// ONNX opset < 13 "coerce to 2-D" is the same view with n = product of dims from axis on and
// inner = 1.
#pragma once

#include <cstdint>

namespace ferry::kernels {

template <typename T>
void Softmax(const T* x, int64_t outer, int64_t n, int64_t inner, bool log, T* y);

}  // namespace ferry::kernels
