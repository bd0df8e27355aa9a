// Reference reductions, softmax and batch normalisation: direct formulas in double.
#pragma once

#include <algorithm>
#include <cmath>
#include <limits>
#include <vector>

#include "kernels/layout.h"
#include "kernels/reduce.h"
#include "kernels/reference/indexing.h"

namespace ferry::kernels::reference {

template <typename T>
void Reduce(ReduceOp op, const T* x, const std::vector<int64_t>& x_shape,
            const std::vector<int>& axes, T* y) {
  std::vector<int64_t> y_shape = x_shape;
  for (int a : axes) y_shape[a] = 1;
  const int64_t ny = NumElements(y_shape), nx = NumElements(x_shape);
  std::vector<double> acc(ny, op == ReduceOp::kMax    ? -std::numeric_limits<double>::infinity()
                              : op == ReduceOp::kMin  ? std::numeric_limits<double>::infinity()
                              : op == ReduceOp::kProd ? 1.0
                                                      : 0.0);
  for (int64_t i = 0; i < nx; ++i) {
    const int64_t o = BroadcastIndex(Unravel(i, x_shape), y_shape);
    const double v = static_cast<double>(x[i]);
    switch (op) {
      case ReduceOp::kSum:
      case ReduceOp::kMean:
        acc[o] += v;
        break;
      case ReduceOp::kMax:
        acc[o] = std::max(acc[o], v);
        break;
      case ReduceOp::kMin:
        acc[o] = std::min(acc[o], v);
        break;
      case ReduceOp::kProd:
        acc[o] *= v;
        break;
      case ReduceOp::kL1:
        acc[o] += std::fabs(v);
        break;
      case ReduceOp::kL2:
      case ReduceOp::kSumSquare:
        acc[o] += v * v;
        break;
      case ReduceOp::kLogSum:
        acc[o] += v;
        break;
      case ReduceOp::kLogSumExp:
        acc[o] += std::exp(v);
        break;
    }
  }
  const int64_t count = ny ? nx / ny : 0;
  for (int64_t o = 0; o < ny; ++o) {
    double r = acc[o];
    if (op == ReduceOp::kMean) r /= count;
    if (op == ReduceOp::kL2) r = std::sqrt(r);
    if (op == ReduceOp::kLogSum || op == ReduceOp::kLogSumExp) r = std::log(r);
    y[o] = static_cast<T>(r);
  }
}

template <typename T>
void Softmax(const T* x, int64_t outer, int64_t n, int64_t inner, bool log, T* y) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      auto at = [&](int64_t i) { return (o * n + i) * inner + in; };
      double mx = -std::numeric_limits<double>::infinity();
      for (int64_t i = 0; i < n; ++i) mx = std::max(mx, static_cast<double>(x[at(i)]));
      double sum = 0.0;
      for (int64_t i = 0; i < n; ++i) sum += std::exp(x[at(i)] - mx);
      for (int64_t i = 0; i < n; ++i)
        y[at(i)] =
            static_cast<T>(log ? x[at(i)] - mx - std::log(sum) : std::exp(x[at(i)] - mx) / sum);
    }
}

template <typename T>
void BatchNormInference(Layout layout, int64_t batch, int64_t channels, int64_t spatial, const T* x,
                        const T* scale, const T* bias, const T* mean, const T* var, float epsilon,
                        T* y) {
  for (int64_t nb = 0; nb < batch; ++nb)
    for (int64_t c = 0; c < channels; ++c)
      for (int64_t s = 0; s < spatial; ++s) {
        const int64_t i = layout == Layout::kNCHW ? (nb * channels + c) * spatial + s
                                                  : (nb * spatial + s) * channels + c;
        y[i] = static_cast<T>((x[i] - static_cast<double>(mean[c])) /
                                  std::sqrt(static_cast<double>(var[c]) + epsilon) * scale[c] +
                              bias[c]);
      }
}

// Layer normalisation by the textbook two-pass formula, one element at a time.
template <typename T>
void LayerNorm(const T* x, int64_t outer, int64_t inner, const T* scale, const T* bias,
               float epsilon, T* y) {
  for (int64_t o = 0; o < outer; ++o) {
    long double mu = 0;
    for (int64_t i = 0; i < inner; ++i) mu += x[o * inner + i];
    mu /= inner;
    long double var = 0;
    for (int64_t i = 0; i < inner; ++i) var += (x[o * inner + i] - mu) * (x[o * inner + i] - mu);
    var /= inner;
    for (int64_t i = 0; i < inner; ++i)
      y[o * inner + i] = static_cast<T>(
          (x[o * inner + i] - mu) / std::sqrt(var + epsilon) * scale[i] + (bias ? bias[i] : T(0)));
  }
}

}  // namespace ferry::kernels::reference
