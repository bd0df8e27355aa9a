// Gemm and MatMul on oneDNN's row-major sgemm (float); other element types use plain loops.
#include "kernels/gemm.h"

#include <algorithm>
#include <cstdint>
#include <string>

#include "kernels/onednn/context.h"
#include "kernels/reference/gemm.h"
#include "kernels/reference/indexing.h"

namespace ferry::kernels {
namespace {

std::string ShapeStr(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

Status Sgemm(bool ta, bool tb, int64_t m, int64_t n, int64_t k, float alpha, const float* a,
             int64_t lda, const float* b, int64_t ldb, float beta, float* c, int64_t ldc) {
  if (m == 0 || n == 0) return Status::Ok();
  if (k == 0) {  // sgemm would read nothing; the product is zero
    for (int64_t i = 0; i < m; ++i)
      for (int64_t j = 0; j < n; ++j) c[i * ldc + j] = beta == 0.0f ? 0.0f : beta * c[i * ldc + j];
    return Status::Ok();
  }
  dnnl::status st =
      dnnl::sgemm(ta ? 'T' : 'N', tb ? 'T' : 'N', m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
  if (st != dnnl::status::success)
    return Internal("sgemm failed with status " + std::to_string(static_cast<int>(st)));
  return Status::Ok();
}

}  // namespace

Status Gemm(const GemmParams& p, const float* a, const float* b, const float* c, float* y,
            int num_threads) {
  if (p.m < 0 || p.n < 0 || p.k < 0) return InvalidArgument("Gemm: negative size");
  float beta = 0.0f;
  if (c && p.beta != 0.0f) {
    if (p.c_shape.size() > 2) return InvalidArgument("Gemm: C has rank > 2");
    // Unidirectional broadcast of C to [m, n], then sgemm accumulates onto it.
    std::vector<int64_t> cs = p.c_shape;
    while (cs.size() < 2) cs.insert(cs.begin(), 1);
    if ((cs[0] != 1 && cs[0] != p.m) || (cs[1] != 1 && cs[1] != p.n))
      return InvalidArgument("Gemm: C of shape " + ShapeStr(p.c_shape) +
                             " does not broadcast to [" + std::to_string(p.m) + "," +
                             std::to_string(p.n) + "]");
    for (int64_t i = 0; i < p.m; ++i) {
      const float* row = c + (cs[0] == 1 ? 0 : i) * cs[1];
      float* out = y + i * p.n;
      if (cs[1] == 1)
        std::fill(out, out + p.n, row[0]);
      else
        std::copy(row, row + p.n, out);
    }
    beta = p.beta;
  }
  onednn::Context::SetNumThreads(num_threads);
  FERRY_RETURN_IF_ERROR(Sgemm(p.trans_a, p.trans_b, p.m, p.n, p.k, p.alpha, a,
                              p.trans_a ? p.m : p.k, b, p.trans_b ? p.k : p.n, beta, y, p.n));
  if (p.activation.kind != Activation::kNone)
    for (int64_t i = 0; i < p.m * p.n; ++i) y[i] = p.activation.Apply(y[i]);
  return Status::Ok();
}

StatusOr<std::vector<int64_t>> MatMulShape(const std::vector<int64_t>& a,
                                           const std::vector<int64_t>& b) {
  if (a.empty() || b.empty())
    return InvalidArgument("MatMul: operands must have rank >= 1, got " + ShapeStr(a) + " and " +
                           ShapeStr(b));
  std::vector<int64_t> as = a, bs = b;
  if (as.size() == 1) as.insert(as.begin(), 1);
  if (bs.size() == 1) bs.push_back(1);
  if (as.back() != bs[bs.size() - 2])
    return InvalidArgument("MatMul: inner dims differ: " + ShapeStr(a) + " @ " + ShapeStr(b));
  const size_t ra = as.size() - 2, rb = bs.size() - 2, r = std::max(ra, rb);
  std::vector<int64_t> out(r);
  for (size_t i = 0; i < r; ++i) {
    const int64_t da = i + ra >= r ? as[i + ra - r] : 1;
    const int64_t db = i + rb >= r ? bs[i + rb - r] : 1;
    if (da != db && da != 1 && db != 1)
      return InvalidArgument("MatMul: batch dims do not broadcast: " + ShapeStr(a) + " @ " +
                             ShapeStr(b));
    out[i] = da == 1 ? db : da;
  }
  if (a.size() > 1) out.push_back(as[as.size() - 2]);
  if (b.size() > 1) out.push_back(bs.back());
  return out;
}

template <typename T>
Status MatMul(const T* a, const std::vector<int64_t>& a_shape, const T* b,
              const std::vector<int64_t>& b_shape, T* y, int num_threads) {
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> y_shape, MatMulShape(a_shape, b_shape));
  if constexpr (!std::is_same_v<T, float>) {
    reference::MatMul(a, a_shape, b, b_shape, y);
    return Status::Ok();
  } else {
    std::vector<int64_t> as = a_shape, bs = b_shape;
    if (as.size() == 1) as.insert(as.begin(), 1);
    if (bs.size() == 1) bs.push_back(1);
    const int64_t m = as[as.size() - 2], k = as.back(), n = bs.back();
    std::vector<int64_t> a_batch(as.begin(), as.end() - 2), b_batch(bs.begin(), bs.end() - 2);
    onednn::Context::SetNumThreads(num_threads);
    // b shared by every batch (x @ W): one sgemm over all rows of a.
    if (reference::NumElements(b_batch) == 1) {
      const int64_t rows = reference::NumElements(a_batch) * m;
      return Sgemm(false, false, rows, n, k, 1.0f, a, k, b, n, 0.0f, y, n);
    }
    std::vector<int64_t> batch(y_shape.begin(),
                               y_shape.begin() + std::max(a_batch.size(), b_batch.size()));
    const int64_t nb = reference::NumElements(batch);
    for (int64_t bi = 0; bi < nb; ++bi) {
      const std::vector<int64_t> idx = reference::Unravel(bi, batch);
      const float* ap = a + reference::BroadcastIndex(idx, a_batch) * m * k;
      const float* bp = b + reference::BroadcastIndex(idx, b_batch) * k * n;
      FERRY_RETURN_IF_ERROR(
          Sgemm(false, false, m, n, k, 1.0f, ap, k, bp, n, 0.0f, y + bi * m * n, n));
    }
    return Status::Ok();
  }
}

#define FERRY_INSTANTIATE_MATMUL(T)                                          \
  template Status MatMul<T>(const T*, const std::vector<int64_t>&, const T*, \
                            const std::vector<int64_t>&, T*, int);
FERRY_INSTANTIATE_MATMUL(float)
FERRY_INSTANTIATE_MATMUL(double)
FERRY_INSTANTIATE_MATMUL(int8_t)
FERRY_INSTANTIATE_MATMUL(int16_t)
FERRY_INSTANTIATE_MATMUL(int32_t)
FERRY_INSTANTIATE_MATMUL(int64_t)
FERRY_INSTANTIATE_MATMUL(uint8_t)
FERRY_INSTANTIATE_MATMUL(uint16_t)
FERRY_INSTANTIATE_MATMUL(uint32_t)
FERRY_INSTANTIATE_MATMUL(uint64_t)

}  // namespace ferry::kernels
