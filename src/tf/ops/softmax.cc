// TF Softmax and LogSoftmax(logits) (nn_ops.cc): always over the last axis, computed with
// the row maximum subtracted for stability.
#include "kernels/softmax.h"
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
    // The ONNX side's kernel: AVX-512 exp over the rows where the CPU has it (the loop of
    // double exp calls here took 47 us a call on the TransformerEncoder's attention).
    kernels::Softmax<float>(x->data<float>(), rows, c, 1, kLog, out->data<float>());
    return Status::Ok();
  }
};

}  // namespace

void RegisterSoftmax(runtime::OpSet& s) {
  s.Add<Softmax<false>>("Softmax", 1, "tf");
  s.Add<Softmax<true>>("LogSoftmax", 1, "tf");
}

}  // namespace ferry::tf::ops
