// Matrix products: Gemm (2-D, optional transposes, alpha/beta and broadcast C) and MatMul
// (numpy matmul: batched, batch dims broadcast). Fast path: oneDNN's sgemm.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "core/status.h"
#include "kernels/layout.h"

namespace ferry::kernels {

struct GemmParams {
  int64_t m = 0, n = 0, k = 0;
  bool trans_a = false;  // a is [k, m] instead of [m, k]
  bool trans_b = false;  // b is [n, k] instead of [k, n]
  float alpha = 1.0f, beta = 1.0f;
  // Shape of c, broadcast to [m, n] (unidirectional numpy broadcasting): {}, {n}, {1, n},
  // {m, 1}, {m, n}, ... Ignored when c is nullptr.
  std::vector<int64_t> c_shape;
  FusedActivation activation;
};

// y[m, n] = act(alpha * op(a) * op(b) + beta * c).
Status Gemm(const GemmParams& p, const float* a, const float* b, const float* c, float* y,
            int num_threads);

// Output shape of numpy matmul of a and b (ranks >= 1; 1-D operands are promoted and the
// added dim removed again), or an error naming both shapes.
StatusOr<std::vector<int64_t>> MatMulShape(const std::vector<int64_t>& a,
                                           const std::vector<int64_t>& b);

// y = a @ b with numpy semantics; y has MatMulShape(a_shape, b_shape).
template <typename T>
Status MatMul(const T* a, const std::vector<int64_t>& a_shape, const T* b,
              const std::vector<int64_t>& b_shape, T* y, int num_threads);

// A matrix product whose right operand does not change between calls (a graph
// initializer): y[m, n] = act(a[m, k] · op(b) + bias), op(b) = b [k, n], or b^T for b
// [n, k] when trans_b; bias has n elements or is nullptr. Runs as a oneDNN inner product
// cached per m, with b reordered once into oneDNN's packed format and the bias and
// activation applied as the output is written (what MLAS's prepacked sgemm does for
// onnxruntime). Owned by one op; safe to call from several threads. b and bias must hold the
// same values on every call. Sums may be ordered differently from Gemm()'s sgemm (within
// float rounding of it, not bitwise).
class ConstantWeightMatMul {
 public:
  ConstantWeightMatMul();
  ~ConstantWeightMatMul();
  ConstantWeightMatMul(const ConstantWeightMatMul&) = delete;
  ConstantWeightMatMul& operator=(const ConstantWeightMatMul&) = delete;
  Status Run(int64_t m, int64_t n, int64_t k, bool trans_b, const float* a, const float* b,
             const float* bias, const FusedActivation& activation, float* y, int num_threads);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::kernels
