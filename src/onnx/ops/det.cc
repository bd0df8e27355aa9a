// ONNX Det (11): determinants of the trailing [M, M] matrices, by LU decomposition with
// partial pivoting in double.
#include <cmath>
#include <utility>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

double Determinant(std::vector<double> a, int64_t m) {
  double det = 1.0;
  for (int64_t k = 0; k < m; ++k) {
    int64_t piv = k;
    for (int64_t i = k + 1; i < m; ++i)
      if (std::fabs(a[i * m + k]) > std::fabs(a[piv * m + k])) piv = i;
    if (a[piv * m + k] == 0.0) return 0.0;
    if (piv != k) {
      for (int64_t j = 0; j < m; ++j) std::swap(a[k * m + j], a[piv * m + j]);
      det = -det;
    }
    det *= a[k * m + k];
    for (int64_t i = k + 1; i < m; ++i) {
      const double f = a[i * m + k] / a[k * m + k];
      for (int64_t j = k; j < m; ++j) a[i * m + j] -= f * a[k * m + j];
    }
  }
  return det;
}

class Det final : public Op {
 public:
  explicit Det(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int r = x->rank();
    if (r < 2 || x->dim(r - 1) != x->dim(r - 2))
      return ctx.Error("input 0 has shape " + x->shape().ToString() + ", expected [..., M, M]");
    const int64_t m = x->dim(r - 1);
    std::vector<int64_t> out(x->shape().dims().begin(), x->shape().dims().end() - 2);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const int64_t count = y->NumElements();
      for (int64_t i = 0; i < count; ++i) {
        const T* xp = x->data<T>() + i * m * m;
        y->data<T>()[i] = static_cast<T>(Determinant(std::vector<double>(xp, xp + m * m), m));
      }
      return Status::Ok();
    });
  }
};

}  // namespace

void RegisterDet(OpSet& s) { s.Add<Det>("Det", 11); }

}  // namespace ferry::onnx::ops
