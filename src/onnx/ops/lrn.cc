// ONNX LRN (1, 13): local response normalisation across channels of [N, C, ...] data,
// y = x / (bias + alpha / size * sum of x^2 over channels [c - floor((size - 1) / 2),
// c + ceil((size - 1) / 2)])^beta; alpha 1e-4, beta 0.75, bias 1 by default.
#include <algorithm>
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Lrn final : public Op {
 public:
  explicit Lrn(const NodeInfo& info)
      : size_(info.node().GetInt("size", 0)),
        alpha_(info.node().GetFloat("alpha", 1e-4f)),
        beta_(info.node().GetFloat("beta", 0.75f)),
        bias_(info.node().GetFloat("bias", 1.0f)) {
    if (size_ <= 0) init_status_ = info.Error("attribute size must be positive");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->rank() < 2) return ctx.Error("input 0 must have rank >= 2");
    const int64_t n = x->dim(0), c = x->dim(1);
    const int64_t sp = n * c ? x->NumElements() / (n * c) : 0;
    const int64_t lo = (size_ - 1) / 2, hi = size_ - 1 - lo;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* xp = x->data<T>();
      T* yp = y->data<T>();
      for (int64_t b = 0; b < n; ++b)
        for (int64_t ch = 0; ch < c; ++ch)
          for (int64_t s = 0; s < sp; ++s) {
            double sq = 0.0;
            for (int64_t i = std::max<int64_t>(0, ch - lo); i <= std::min(c - 1, ch + hi); ++i) {
              const double v = xp[(b * c + i) * sp + s];
              sq += v * v;
            }
            const int64_t at = (b * c + ch) * sp + s;
            yp[at] = static_cast<T>(xp[at] / std::pow(bias_ + alpha_ / size_ * sq, beta_));
          }
      return Status::Ok();
    });
  }

 private:
  int64_t size_;
  float alpha_, beta_, bias_;
};

}  // namespace

void RegisterLRN(OpSet& s) {
  for (int v : {1, 13}) s.Add<Lrn>("LRN", v);
}

}  // namespace ferry::onnx::ops
