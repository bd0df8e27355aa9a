// ONNX Transpose (1, 13): permutes dims by perm (default: reversed); any dtype.
#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Transpose final : public Op {
 public:
  explicit Transpose(const NodeInfo& info) {
    if (info.node().has_attr("perm")) perm_ = info.node().GetInts("perm");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int r = x->rank();
    std::vector<int> perm(r);
    if (perm_) {
      if (static_cast<int>(perm_->size()) != r)
        return ctx.Error("perm has " + std::to_string(perm_->size()) + " entries, input shape " +
                         x->shape().ToString());
      std::vector<bool> seen(r, false);
      for (int i = 0; i < r; ++i) {
        const int64_t p = (*perm_)[i];
        if (p < 0 || p >= r || seen[p]) return ctx.Error("perm is not a permutation");
        seen[p] = true;
        perm[i] = static_cast<int>(p);
      }
    } else {
      for (int i = 0; i < r; ++i) perm[i] = r - 1 - i;
    }
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    std::vector<int64_t> out(r);
    for (int i = 0; i < r; ++i) out[i] = x->dim(perm[i]);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    kernels::Transpose(x->raw_data(), x->shape().dims(), perm, SizeOf(x->dtype()), y->raw_data());
    return Status::Ok();
  }

 private:
  std::optional<std::vector<int64_t>> perm_;
};

}  // namespace

void RegisterTranspose(OpSet& s) {
  for (int v : {1, 13}) s.Add<Transpose>("Transpose", v);
}

}  // namespace ferry::onnx::ops
