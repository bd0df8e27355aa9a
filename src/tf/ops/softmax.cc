// TF Softmax and LogSoftmax(logits) (nn_ops.cc): always over the last axis, computed with
// the row maximum subtracted for stability.
#include <algorithm>
#include <cmath>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kLog>
class Softmax final : public runtime::Op {
 public:
  explicit Softmax(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->dtype() != DataType::kFloat32 || x->rank() < 1)
      return ctx.Error("logits " + x->DebugString() + " must be float32 with rank >= 1");
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, x->shape()));
    const int64_t c = x->dim(x->rank() - 1);
    const int64_t rows = c ? x->NumElements() / c : 0;
    const float* in = x->data<float>();
    float* o = out->data<float>();
    for (int64_t r = 0; r < rows; ++r) {
      const float* p = in + r * c;
      float* q = o + r * c;
      const float m = *std::max_element(p, p + c);
      double sum = 0;
      for (int64_t i = 0; i < c; ++i) sum += std::exp(static_cast<double>(p[i] - m));
      for (int64_t i = 0; i < c; ++i) {
        if constexpr (kLog) {
          q[i] = static_cast<float>(p[i] - m - std::log(sum));
        } else {
          q[i] = static_cast<float>(std::exp(static_cast<double>(p[i] - m)) / sum);
        }
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterSoftmax(runtime::OpSet& s) {
  s.Add<Softmax<false>>("Softmax", 1, "tf");
  s.Add<Softmax<true>>("LogSoftmax", 1, "tf");
}

}  // namespace ferry::tf::ops
