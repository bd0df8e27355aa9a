// ONNX Trilu (14): keeps the upper (upper=1, default) or lower triangle of the last two dims,
// shifted by the optional scalar input k (int64, default 0); the rest becomes zero.
#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Trilu final : public Op {
 public:
  explicit Trilu(const NodeInfo& info) : upper_(info.node().GetInt("upper", 1) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->rank() < 2)
      return ctx.Error("input 0 has rank " + std::to_string(x->rank()) + ", expected >= 2");
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    int64_t k = 0;
    if (ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> kv, IntValues(ctx, 1));
      if (kv.size() != 1) return ctx.Error("input 1 (k) must hold one value");
      k = kv[0];
    }
    const int64_t rows = x->dim(x->rank() - 2), cols = x->dim(x->rank() - 1);
    const int64_t batch = rows * cols ? x->NumElements() / (rows * cols) : 0;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    kernels::Trilu(x->raw_data(), batch, rows, cols, k, upper_, SizeOf(x->dtype()),
                   y->raw_data());
    return Status::Ok();
  }

 private:
  bool upper_;
};

}  // namespace

void RegisterTrilu(OpSet& s) { s.Add<Trilu>("Trilu", 14); }

}  // namespace ferry::onnx::ops
