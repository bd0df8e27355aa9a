// Reference Gemm and numpy MatMul: triple loops with double accumulation.
#pragma once

#include <vector>

#include "kernels/gemm.h"
#include "kernels/reference/indexing.h"

namespace ferry::kernels::reference {

inline void Gemm(const GemmParams& p, const float* a, const float* b, const float* c, float* y) {
  std::vector<int64_t> c_shape = p.c_shape;
  for (int64_t i = 0; i < p.m; ++i)
    for (int64_t j = 0; j < p.n; ++j) {
      double acc = 0.0;
      for (int64_t l = 0; l < p.k; ++l) {
        const float av = p.trans_a ? a[l * p.m + i] : a[i * p.k + l];
        const float bv = p.trans_b ? b[j * p.k + l] : b[l * p.n + j];
        acc += static_cast<double>(av) * bv;
      }
      double v = p.alpha * acc;
      if (c) v += p.beta * c[BroadcastIndex({i, j}, c_shape)];
      y[i * p.n + j] = p.activation.Apply(static_cast<float>(v));
    }
}

// a: [..., m, k], b: [..., k, n] after promoting 1-D operands; y_shape from MatMulShape.
template <typename T>
void MatMul(const T* a, std::vector<int64_t> a_shape, const T* b, std::vector<int64_t> b_shape,
            T* y) {
  if (a_shape.size() == 1) a_shape.insert(a_shape.begin(), 1);
  if (b_shape.size() == 1) b_shape.push_back(1);
  const int64_t m = a_shape[a_shape.size() - 2], k = a_shape.back(), n = b_shape.back();
  std::vector<int64_t> a_batch(a_shape.begin(), a_shape.end() - 2);
  std::vector<int64_t> b_batch(b_shape.begin(), b_shape.end() - 2);
  std::vector<int64_t> batch(std::max(a_batch.size(), b_batch.size()));
  for (size_t i = 0; i < batch.size(); ++i) {
    int64_t da =
        i + a_batch.size() >= batch.size() ? a_batch[i + a_batch.size() - batch.size()] : 1;
    int64_t db =
        i + b_batch.size() >= batch.size() ? b_batch[i + b_batch.size() - batch.size()] : 1;
    batch[i] = da == 1 ? db : da;
  }
  const int64_t nb = NumElements(batch);
  for (int64_t bi = 0; bi < nb; ++bi) {
    std::vector<int64_t> idx = Unravel(bi, batch);
    const T* ap = a + BroadcastIndex(idx, a_batch) * m * k;
    const T* bp = b + BroadcastIndex(idx, b_batch) * k * n;
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) {
        double acc = 0.0;
        for (int64_t l = 0; l < k; ++l)
          acc += static_cast<double>(ap[i * k + l]) * static_cast<double>(bp[l * n + j]);
        y[(bi * m + i) * n + j] = static_cast<T>(acc);
      }
  }
}

}  // namespace ferry::kernels::reference
