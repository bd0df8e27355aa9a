// TF LeakyRelu(features) with float attribute alpha (nn_ops.cc, default 0.2):
// x < 0 ? alpha * x : x.
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class LeakyRelu final : public runtime::Op {
 public:
  explicit LeakyRelu(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
    const ir::Attribute* a = info.node().attr("alpha");
    if (a && a->kind() != ir::AttrKind::kFloat)
      init_status_ = info.Error("attribute alpha must be a float");
    else if (a)
      alpha_ = a->f();
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->dtype() != DataType::kFloat32) return ctx.Error("only float32 is supported");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    const float* in = x->data<float>();
    float* out = y->data<float>();
    for (int64_t i = 0; i < x->NumElements(); ++i) out[i] = in[i] < 0.f ? alpha_ * in[i] : in[i];
    return Status::Ok();
  }

 private:
  float alpha_ = 0.2f;
};

}  // namespace

void RegisterLeakyRelu(runtime::OpSet& s) { s.Add<LeakyRelu>("LeakyRelu", 1, "tf"); }

}  // namespace ferry::tf::ops
