// TF BiasAdd(value, bias) (nn_ops.cc): adds a 1-D bias along the last (NHWC channel) axis.
#include "kernels/elementwise.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class BiasAdd final : public runtime::Op {
 public:
  explicit BiasAdd(const runtime::NodeInfo& info) { init_status_ = RequireNhwc(info); }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!x || !b) return ctx.Error("missing input");
    if (x->dtype() != DataType::kFloat32 || b->dtype() != DataType::kFloat32)
      return ctx.Error("only float32 is supported");
    if (x->rank() < 2 || b->rank() != 1 || b->dim(0) != x->dim(x->rank() - 1))
      return ctx.Error("bias " + b->shape().ToString() + " does not match the last dim of " +
                       x->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, x->shape()));
    // The broadcasting kernel's inner loop over the channels is vectorised (its file asks
    // GCC for the dynamic cost model; a plain loop here was scalar at -O2).
    return kernels::Binary<float>(kernels::BinaryOp::kAdd, x->data<float>(), x->shape().dims(),
                                  b->data<float>(), b->shape().dims(), out->data<float>());
  }
};

}  // namespace

void RegisterBiasAdd(runtime::OpSet& s) { s.Add<BiasAdd>("BiasAdd", 1, "tf"); }

}  // namespace ferry::tf::ops
