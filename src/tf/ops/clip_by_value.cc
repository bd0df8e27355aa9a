// TF ClipByValue(t, clip_value_min, clip_value_max) (math_ops.cc): min/max broadcast to t;
// ferry supports scalar or same-shape bounds.
#include <algorithm>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class ClipByValue final : public runtime::Op {
 public:
  explicit ClipByValue(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 3) init_status_ = info.Error("expects 3 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* lo = ctx.input(1);
    const Tensor* hi = ctx.input(2);
    if (!x || !lo || !hi) return ctx.Error("missing input");
    if (x->dtype() != DataType::kFloat32 || lo->dtype() != x->dtype() || hi->dtype() != x->dtype())
      return ctx.Error("only float32 t, clip_value_min and clip_value_max are supported");
    const int64_t n = x->NumElements();
    auto bound_ok = [&](const Tensor* b) {
      return b->NumElements() == 1 || b->shape() == x->shape();
    };
    if (!bound_ok(lo) || !bound_ok(hi))
      return ctx.Error("clip bounds must be scalars or have t's shape " + x->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, x->dtype(), x->shape()));
    const float* in = x->data<float>();
    const float* l = lo->data<float>();
    const float* h = hi->data<float>();
    const bool ls = lo->NumElements() == 1, hs = hi->NumElements() == 1;
    float* o = out->data<float>();
    for (int64_t i = 0; i < n; ++i) o[i] = std::min(std::max(in[i], l[ls ? 0 : i]), h[hs ? 0 : i]);
    return Status::Ok();
  }
};

}  // namespace

void RegisterClipByValue(runtime::OpSet& s) { s.Add<ClipByValue>("ClipByValue", 1, "tf"); }

}  // namespace ferry::tf::ops
