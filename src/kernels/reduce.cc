// Reductions, softmax and batch normalisation on plain loops: memory-bound, so the work is
// in visiting memory in order (the reduction loop runs over contiguous rows).
#include "kernels/reduce.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "kernels/batch_norm.h"
#include "kernels/softmax.h"
#include "kernels/vector_math.h"

// -O2 uses GCC's very-cheap vectoriser cost model, which skips loops of unknown trip count:
// exactly the hot loops of this file (softmax, batch norm). Ask for the dynamic model here.
#pragma GCC optimize("vect-cost-model=dynamic")

namespace ferry::kernels {

template <typename T>
void Reduce(ReduceOp op, const T* x, const std::vector<int64_t>& x_shape,
            const std::vector<int>& axes, T* y) {
  const int r = static_cast<int>(x_shape.size());
  std::vector<bool> reduced(r, false);
  for (int a : axes) reduced[a] = true;
  // Merge runs of dims that are all reduced or all kept: [k0, r0, k1, r1, ...].
  std::vector<int64_t> dims;
  std::vector<bool> kind;
  for (int d = 0; d < r; ++d) {
    if (x_shape[d] == 1) continue;
    if (!kind.empty() && kind.back() == reduced[d]) {
      dims.back() *= x_shape[d];
    } else {
      dims.push_back(x_shape[d]);
      kind.push_back(reduced[d]);
    }
  }
  int64_t nx = 1, ny = 1;
  for (size_t i = 0; i < dims.size(); ++i) {
    nx *= dims[i];
    if (!kind[i]) ny *= dims[i];
  }
  using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
  const Acc init = op == ReduceOp::kMax    ? std::numeric_limits<Acc>::lowest()
                   : op == ReduceOp::kMin  ? std::numeric_limits<Acc>::max()
                   : op == ReduceOp::kProd ? Acc(1)
                                           : Acc(0);
  std::vector<Acc> acc(ny, init);
  if (op == ReduceOp::kMax && std::is_floating_point_v<T>)
    std::fill(acc.begin(), acc.end(), -std::numeric_limits<Acc>::infinity());
  if (op == ReduceOp::kMin && std::is_floating_point_v<T>)
    std::fill(acc.begin(), acc.end(), std::numeric_limits<Acc>::infinity());
  const int m = static_cast<int>(dims.size());
  // Rows reduced along their contiguous last axis ([kept, reduced] or all reduced: LayerNorm's
  // and softmax's means, TF's Mean over channels): one tight loop per row, the op chosen
  // outside it. Same order of additions as the walk below, so the same results.
  const bool rows = (m == 1 && kind[0]) || (m == 2 && !kind[0] && kind[1]);
  const bool by_rows = rows && (op == ReduceOp::kSum || op == ReduceOp::kMean ||
                             op == ReduceOp::kMax || op == ReduceOp::kMin);
  if (by_rows) {
    const int64_t n = dims[m - 1];
    for (int64_t o = 0; o < ny; ++o) {
      const T* xr = x + o * n;
      Acc a = acc[o];
      if (op == ReduceOp::kSum || op == ReduceOp::kMean) {
        for (int64_t i = 0; i < n; ++i) a += static_cast<Acc>(xr[i]);
      } else if (op == ReduceOp::kMax) {
        for (int64_t i = 0; i < n; ++i) a = std::max(a, static_cast<Acc>(xr[i]));
      } else {
        for (int64_t i = 0; i < n; ++i) a = std::min(a, static_cast<Acc>(xr[i]));
      }
      acc[o] = a;
    }
  } else {
    // Walk x in memory order, tracking the output index with an odometer.
    std::vector<int64_t> ystride(m, 0);
    int64_t s = 1;
    for (int d = m - 1; d >= 0; --d) {
      if (!kind[d]) {
        ystride[d] = s;
        s *= dims[d];
      }
    }
    std::vector<int64_t> idx(m, 0);
    int64_t yo = 0;
    for (int64_t i = 0; i < nx; ++i) {
      const Acc v = static_cast<Acc>(x[i]);
      switch (op) {
        case ReduceOp::kSum:
        case ReduceOp::kMean:
          acc[yo] += v;
          break;
        case ReduceOp::kMax:
          acc[yo] = std::max(acc[yo], v);
          break;
        case ReduceOp::kMin:
          acc[yo] = std::min(acc[yo], v);
          break;
        case ReduceOp::kProd:
          acc[yo] *= v;
          break;
        case ReduceOp::kL1:
          acc[yo] += v < Acc(0) ? static_cast<Acc>(-v) : v;
          break;
        case ReduceOp::kL2:
        case ReduceOp::kSumSquare:
          acc[yo] += v * v;
          break;
        case ReduceOp::kLogSum:
          acc[yo] += v;
          break;
        case ReduceOp::kLogSumExp:
          // Double accumulation: float inputs cannot overflow exp before |x| > 709.
          acc[yo] += static_cast<Acc>(std::exp(static_cast<double>(v)));
          break;
      }
      for (int d = m - 1; d >= 0; --d) {
        yo += ystride[d];
        if (++idx[d] < dims[d]) break;
        yo -= ystride[d] * dims[d];
        idx[d] = 0;
      }
    }
  }
  const int64_t count = ny ? nx / ny : 0;
  for (int64_t o = 0; o < ny; ++o) {
    switch (op) {
      case ReduceOp::kMean:
        y[o] = static_cast<T>(acc[o] / static_cast<Acc>(count));
        break;
      case ReduceOp::kL2:
        y[o] = static_cast<T>(std::sqrt(static_cast<double>(acc[o])));
        break;
      case ReduceOp::kLogSum:
      case ReduceOp::kLogSumExp:
        y[o] = static_cast<T>(std::log(static_cast<double>(acc[o])));
        break;
      default:
        y[o] = static_cast<T>(acc[o]);
    }
  }
}

template <typename T>
void Softmax(const T* x, int64_t outer, int64_t n, int64_t inner, bool log, T* y) {
  if constexpr (std::is_same_v<T, float>) {
    // Rows along the last axis (attention, classifiers): exp 16 lanes at a time.
    if (inner == 1 && SoftmaxRows(x, outer, n, log, y)) return;
  }
  std::vector<T> mx(inner), sum(inner);
  for (int64_t o = 0; o < outer; ++o) {
    const T* xp = x + o * n * inner;
    T* yp = y + o * n * inner;
    // Rows of `inner` contiguous elements: vectorises for inner > 1 (NHWC channel softmax or
    // a middle axis) as well as for the usual inner == 1.
    std::fill(mx.begin(), mx.end(), -std::numeric_limits<T>::infinity());
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < inner; ++j) mx[j] = std::max(mx[j], xp[i * inner + j]);
    std::fill(sum.begin(), sum.end(), T(0));
    for (int64_t i = 0; i < n; ++i)
      for (int64_t j = 0; j < inner; ++j) {
        const T e = std::exp(xp[i * inner + j] - mx[j]);
        if (!log) yp[i * inner + j] = e;
        sum[j] += e;
      }
    if (log) {
      for (int64_t j = 0; j < inner; ++j) sum[j] = mx[j] + std::log(sum[j]);
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < inner; ++j) yp[i * inner + j] = xp[i * inner + j] - sum[j];
    } else {
      for (int64_t j = 0; j < inner; ++j) sum[j] = T(1) / sum[j];
      for (int64_t i = 0; i < n; ++i)
        for (int64_t j = 0; j < inner; ++j) yp[i * inner + j] *= sum[j];
    }
  }
}

template <typename T>
void BatchNormInference(Layout layout, int64_t batch, int64_t channels, int64_t spatial, const T* x,
                        const T* scale, const T* bias, const T* mean, const T* var, float epsilon,
                        T* y) {
  // Folded per channel into y = x * a + b.
  std::vector<T> a(channels), b(channels);
  for (int64_t c = 0; c < channels; ++c) {
    a[c] = static_cast<T>(scale[c] / std::sqrt(static_cast<double>(var[c]) + epsilon));
    b[c] = bias[c] - mean[c] * a[c];
  }
  for (int64_t n = 0; n < batch; ++n) {
    if (layout == Layout::kNCHW) {
      for (int64_t c = 0; c < channels; ++c) {
        const T* xp = x + (n * channels + c) * spatial;
        T* yp = y + (n * channels + c) * spatial;
        for (int64_t s = 0; s < spatial; ++s) yp[s] = xp[s] * a[c] + b[c];
      }
    } else {
      for (int64_t s = 0; s < spatial; ++s) {
        const T* xp = x + (n * spatial + s) * channels;
        T* yp = y + (n * spatial + s) * channels;
        for (int64_t c = 0; c < channels; ++c) yp[c] = xp[c] * a[c] + b[c];
      }
    }
  }
}

#define FERRY_INSTANTIATE_REDUCE(T)                                        \
  template void Reduce<T>(ReduceOp, const T*, const std::vector<int64_t>&, \
                          const std::vector<int>&, T*);
FERRY_INSTANTIATE_REDUCE(float)
FERRY_INSTANTIATE_REDUCE(double)
FERRY_INSTANTIATE_REDUCE(int8_t)
FERRY_INSTANTIATE_REDUCE(int16_t)
FERRY_INSTANTIATE_REDUCE(int32_t)
FERRY_INSTANTIATE_REDUCE(int64_t)
FERRY_INSTANTIATE_REDUCE(uint8_t)
FERRY_INSTANTIATE_REDUCE(uint16_t)
FERRY_INSTANTIATE_REDUCE(uint32_t)
FERRY_INSTANTIATE_REDUCE(uint64_t)
template <typename T>
void LayerNorm(const T* x, int64_t outer, int64_t inner, const T* scale, const T* bias,
               float epsilon, T* y, T* mean, T* inv_std_dev) {
  for (int64_t o = 0; o < outer; ++o) {
    const T* xp = x + o * inner;
    T* yp = y + o * inner;
    double sum = 0.0;
    for (int64_t i = 0; i < inner; ++i) sum += xp[i];
    const double mu = inner ? sum / inner : 0.0;
    double sq = 0.0;
    for (int64_t i = 0; i < inner; ++i) sq += (xp[i] - mu) * (xp[i] - mu);
    const double inv = 1.0 / std::sqrt((inner ? sq / inner : 0.0) + epsilon);
    for (int64_t i = 0; i < inner; ++i)
      yp[i] = static_cast<T>((xp[i] - mu) * inv * scale[i] + (bias ? bias[i] : T(0)));
    if (mean) mean[o] = static_cast<T>(mu);
    if (inv_std_dev) inv_std_dev[o] = static_cast<T>(inv);
  }
}

void LayerNormSteps(const float* x, int64_t outer, int64_t inner, const float* scale,
                    int64_t scale_size, const float* bias, int64_t bias_size, float epsilon,
                    float* y) {
  if (inner <= 0) return;
  const int64_t ss = scale_size == 1 ? 0 : 1, bs = bias_size == 1 ? 0 : 1;
  for (int64_t o = 0; o < outer; ++o) {
    const float* xp = x + o * inner;
    float* yp = y + o * inner;
    double sum = 0.0;
    for (int64_t i = 0; i < inner; ++i) sum += static_cast<double>(xp[i]);
    const float mean = static_cast<float>(sum / static_cast<double>(inner));
    double sq = 0.0;
    for (int64_t i = 0; i < inner; ++i) {
      const float d = xp[i] - mean;
      const float p = d * d;  // Pow(d, 2): the exact square rounded once, as pow's
      sq += static_cast<double>(p);
    }
    const float var = static_cast<float>(sq / static_cast<double>(inner));
    const float s = std::sqrt(var + epsilon);
    for (int64_t i = 0; i < inner; ++i) {
      float v = (xp[i] - mean) / s;
      if (scale) v = v * scale[i * ss];
      if (bias) v = v + bias[i * bs];
      yp[i] = v;
    }
  }
}

template void LayerNorm<float>(const float*, int64_t, int64_t, const float*, const float*, float,
                               float*, float*, float*);
template void LayerNorm<double>(const double*, int64_t, int64_t, const double*, const double*,
                                float, double*, double*, double*);
template void Softmax<float>(const float*, int64_t, int64_t, int64_t, bool, float*);
template void Softmax<double>(const double*, int64_t, int64_t, int64_t, bool, double*);
template void BatchNormInference<float>(Layout, int64_t, int64_t, int64_t, const float*,
                                        const float*, const float*, const float*, const float*,
                                        float, float*);
template void BatchNormInference<double>(Layout, int64_t, int64_t, int64_t, const double*,
                                         const double*, const double*, const double*, const double*,
                                         float, double*);

}  // namespace ferry::kernels
