// ONNX MeanVarianceNormalization (9, 13): y = (x - mean) / (sqrt(var) + 1e-9), mean and
// (population) variance over `axes` (default [0, 2, 3]). The epsilon is added to the standard
// deviation, as the op's function body in onnx/defs/nn/defs.cc does.
#include <algorithm>
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class MeanVarianceNormalization final : public Op {
 public:
  explicit MeanVarianceNormalization(const NodeInfo& info)
      : axes_(info.node().GetInts("axes", {0, 2, 3})) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int rank = x->rank();
    std::vector<bool> reduced(rank, false);
    for (int64_t a : axes_) {
      FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(a, rank, ctx.node().Describe() + " axes"));
      reduced[axis] = true;
    }
    // Each element's group: its coordinates with the reduced axes dropped, as a flat index.
    const int64_t n = x->NumElements();
    std::vector<int64_t> group(n);
    int64_t num_groups = 1;
    for (int d = 0; d < rank; ++d)
      if (!reduced[d]) num_groups *= x->dim(d);
    std::vector<int64_t> pos(rank, 0);
    for (int64_t i = 0; i < n; ++i) {
      int64_t g = 0;
      for (int d = 0; d < rank; ++d)
        if (!reduced[d]) g = g * x->dim(d) + pos[d];
      group[i] = g;
      for (int d = rank - 1; d >= 0 && ++pos[d] == x->dim(d); --d) pos[d] = 0;
    }
    const double count = num_groups ? static_cast<double>(n) / num_groups : 1.0;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* in = x->data<T>();
      std::vector<double> sum(num_groups, 0.0), sum_sq(num_groups, 0.0);
      for (int64_t i = 0; i < n; ++i) {
        sum[group[i]] += in[i];
        sum_sq[group[i]] += static_cast<double>(in[i]) * in[i];
      }
      std::vector<double> mean(num_groups), scale(num_groups);
      for (int64_t g = 0; g < num_groups; ++g) {
        mean[g] = sum[g] / count;
        const double var = std::max(0.0, sum_sq[g] / count - mean[g] * mean[g]);
        scale[g] = 1.0 / (std::sqrt(var) + 1e-9);
      }
      T* out = y->data<T>();
      for (int64_t i = 0; i < n; ++i)
        out[i] = static_cast<T>((in[i] - mean[group[i]]) * scale[group[i]]);
      return Status::Ok();
    });
  }

 private:
  std::vector<int64_t> axes_;
};

}  // namespace

void RegisterMeanVarianceNormalization(OpSet& s) {
  for (int v : {9, 13}) s.Add<MeanVarianceNormalization>("MeanVarianceNormalization", v);
}

}  // namespace ferry::onnx::ops
