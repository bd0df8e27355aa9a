#include "kernels/small_ops.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>
#include <vector>

namespace ferry::kernels {

template <typename T>
void Hardmax(const T* x, int64_t outer, int64_t n, int64_t inner, T* y) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t base = o * n * inner + in;
      int64_t best = 0;
      for (int64_t i = 1; i < n; ++i)
        if (x[base + i * inner] > x[base + best * inner]) best = i;
      for (int64_t i = 0; i < n; ++i) y[base + i * inner] = i == best ? T(1) : T(0);
    }
}

template <typename T>
void CumSum(const T* x, int64_t outer, int64_t n, int64_t inner, bool exclusive, bool reverse,
            T* y) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t base = o * n * inner + in;
      T acc = T(0);
      for (int64_t s = 0; s < n; ++s) {
        const int64_t i = reverse ? n - 1 - s : s;
        const T v = x[base + i * inner];
        if (!exclusive) acc += v;
        y[base + i * inner] = acc;
        if (exclusive) acc += v;
      }
    }
}

template <typename T>
void TopK(const T* x, int64_t outer, int64_t n, int64_t inner, int64_t k, bool largest, T* y,
          int64_t* indices) {
  std::vector<int64_t> order(n);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t in = 0; in < inner; ++in) {
      const int64_t base = o * n * inner + in;
      std::iota(order.begin(), order.end(), 0);
      auto before = [&](int64_t a, int64_t b) {
        const T va = x[base + a * inner], vb = x[base + b * inner];
        if (va != vb) return largest ? va > vb : va < vb;
        return a < b;
      };
      std::partial_sort(order.begin(), order.begin() + k, order.end(), before);
      for (int64_t j = 0; j < k; ++j) {
        y[(o * k + j) * inner + in] = x[base + order[j] * inner];
        indices[(o * k + j) * inner + in] = order[j];
      }
    }
}

template <typename T>
void InstanceNorm(const T* x, int64_t planes, int64_t channels, int64_t spatial, const T* scale,
                  const T* bias, float epsilon, T* y) {
  for (int64_t p = 0; p < planes; ++p) {
    const T* xp = x + p * spatial;
    T* yp = y + p * spatial;
    double sum = 0.0;
    for (int64_t s = 0; s < spatial; ++s) sum += xp[s];
    const double mean = spatial ? sum / spatial : 0.0;
    double sq = 0.0;
    for (int64_t s = 0; s < spatial; ++s) sq += (xp[s] - mean) * (xp[s] - mean);
    const double inv = 1.0 / std::sqrt((spatial ? sq / spatial : 0.0) + epsilon);
    const int64_t c = p % channels;
    for (int64_t s = 0; s < spatial; ++s)
      yp[s] = static_cast<T>((xp[s] - mean) * inv * scale[c] + bias[c]);
  }
}

template <typename Q>
void QuantizeLinear(const float* x, int64_t outer, int64_t n, int64_t inner, const float* scale,
                    const Q* zero_point, Q* y) {
  constexpr double lo = std::numeric_limits<Q>::lowest(), hi = std::numeric_limits<Q>::max();
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < n; ++i) {
      const double s = scale[i], zp = zero_point ? zero_point[i] : 0;
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t at = (o * n + i) * inner + in;
        // Division in float, as the spec's reference does; rounding half to even.
        const double q = std::nearbyint(static_cast<double>(x[at] / static_cast<float>(s))) + zp;
        y[at] = static_cast<Q>(std::min(hi, std::max(lo, q)));
      }
    }
}

template <typename Q>
void DequantizeLinear(const Q* x, int64_t outer, int64_t n, int64_t inner, const float* scale,
                      const Q* zero_point, float* y) {
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < n; ++i) {
      const float s = scale[i];
      const int64_t zp = zero_point ? static_cast<int64_t>(zero_point[i]) : 0;
      for (int64_t in = 0; in < inner; ++in) {
        const int64_t at = (o * n + i) * inner + in;
        y[at] = static_cast<float>(static_cast<int64_t>(x[at]) - zp) * s;
      }
    }
}

#define FERRY_INSTANTIATE_NUMERIC(T)                                                          \
  template void Hardmax<T>(const T*, int64_t, int64_t, int64_t, T*);                          \
  template void CumSum<T>(const T*, int64_t, int64_t, int64_t, bool, bool, T*);               \
  template void TopK<T>(const T*, int64_t, int64_t, int64_t, int64_t, bool, T*, int64_t*);
FERRY_INSTANTIATE_NUMERIC(float)
FERRY_INSTANTIATE_NUMERIC(double)
FERRY_INSTANTIATE_NUMERIC(int8_t)
FERRY_INSTANTIATE_NUMERIC(int16_t)
FERRY_INSTANTIATE_NUMERIC(int32_t)
FERRY_INSTANTIATE_NUMERIC(int64_t)
FERRY_INSTANTIATE_NUMERIC(uint8_t)
FERRY_INSTANTIATE_NUMERIC(uint16_t)
FERRY_INSTANTIATE_NUMERIC(uint32_t)
FERRY_INSTANTIATE_NUMERIC(uint64_t)
template void InstanceNorm<float>(const float*, int64_t, int64_t, int64_t, const float*,
                                  const float*, float, float*);
template void InstanceNorm<double>(const double*, int64_t, int64_t, int64_t, const double*,
                                   const double*, float, double*);
template void QuantizeLinear<uint8_t>(const float*, int64_t, int64_t, int64_t, const float*,
                                      const uint8_t*, uint8_t*);
template void QuantizeLinear<int8_t>(const float*, int64_t, int64_t, int64_t, const float*,
                                     const int8_t*, int8_t*);
template void DequantizeLinear<uint8_t>(const uint8_t*, int64_t, int64_t, int64_t, const float*,
                                        const uint8_t*, float*);
template void DequantizeLinear<int8_t>(const int8_t*, int64_t, int64_t, int64_t, const float*,
                                       const int8_t*, float*);
template void DequantizeLinear<int32_t>(const int32_t*, int64_t, int64_t, int64_t, const float*,
                                        const int32_t*, float*);

}  // namespace ferry::kernels
