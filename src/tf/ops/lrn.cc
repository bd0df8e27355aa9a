// TF LRN(input) with depth_radius, bias, alpha, beta (nn_ops.cc), on a 4-D NHWC float32
// tensor: sqr_sum[a, b, c, d] = sum(input[a, b, c, d - depth_radius : d + depth_radius + 1]
// ** 2) and output = input / (bias + alpha * sqr_sum) ** beta.
#include <algorithm>
#include <cmath>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Lrn final : public runtime::Op {
 public:
  explicit Lrn(const runtime::NodeInfo& info)
      : radius_(info.node().GetInt("depth_radius", 5)),
        bias_(info.node().GetFloat("bias", 1.f)),
        alpha_(info.node().GetFloat("alpha", 1.f)),
        beta_(info.node().GetFloat("beta", 0.5f)) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->rank() != 4 || x->dtype() != DataType::kFloat32)
      return ctx.Error("input must be a 4-D float32 tensor, got " + x->DebugString());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    const int64_t depth = x->dim(3);
    const int64_t rows = x->NumElements() / std::max<int64_t>(depth, 1);
    const float* in = x->data<float>();
    float* out = y->data<float>();
    for (int64_t r = 0; r < rows; ++r) {
      const float* row = in + r * depth;
      for (int64_t d = 0; d < depth; ++d) {
        double sum = 0;
        for (int64_t j = std::max<int64_t>(0, d - radius_); j <= std::min(depth - 1, d + radius_);
             ++j)
          sum += double(row[j]) * row[j];
        out[r * depth + d] =
            static_cast<float>(row[d] / std::pow(bias_ + double(alpha_) * sum, double(beta_)));
      }
    }
    return Status::Ok();
  }

 private:
  int64_t radius_;
  float bias_, alpha_, beta_;
};

}  // namespace

void RegisterLrn(runtime::OpSet& s) { s.Add<Lrn>("LRN", 1, "tf"); }

}  // namespace ferry::tf::ops
