// ONNX Gather (1, 11, 13): take along axis with int32/int64 indices (negative from the end).
#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Gather final : public Op {
 public:
  explicit Gather(const NodeInfo& info) : axis_(info.node().GetInt("axis", 0)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> indices, IntValues(ctx, 1));
    if (x->rank() == 0) return ctx.Error("input 0 must have rank >= 1");
    auto axis = NormalizeAxis(axis_, x->rank(), ctx.node().Describe());
    if (!axis.ok()) return axis.status();
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    std::vector<int64_t> out(x->shape().dims().begin(), x->shape().dims().begin() + *axis);
    for (int64_t d : idx->shape().dims()) out.push_back(d);
    for (int d = *axis + 1; d < x->rank(); ++d) out.push_back(x->dim(d));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    Status s = kernels::Gather(x->raw_data(), x->shape().dims(), indices.data(),
                               static_cast<int64_t>(indices.size()), *axis, SizeOf(x->dtype()),
                               y->raw_data());
    return s.ok() ? s : ctx.Error(s.message());
  }

 private:
  int64_t axis_;
};

}  // namespace

void RegisterGather(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<Gather>("Gather", v);
}

}  // namespace ferry::onnx::ops
