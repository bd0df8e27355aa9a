// ONNX GatherElements (11, 13): y has the indices' shape, y[i] = data[i with the axis
// coordinate replaced by indices[i]] (torch.gather). Any dtype but string.
#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class GatherElements final : public Op {
 public:
  explicit GatherElements(const NodeInfo& info) : axis_(info.node().GetInt("axis", 0)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> indices, IntValues(ctx, 1));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    if (x->rank() == 0 || idx->rank() != x->rank())
      return ctx.Error("input 1 (indices) has rank " + std::to_string(idx->rank()) +
                       ", expected input 0's rank " + std::to_string(x->rank()) + " (>= 1)");
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
    for (int d = 0; d < x->rank(); ++d)
      if (d != axis && idx->dim(d) > x->dim(d))
        return ctx.Error("input 1 (indices) shape " + idx->shape().ToString() +
                         " exceeds data shape " + x->shape().ToString() + " in dim " +
                         std::to_string(d));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), idx->shape()));
    Status s = kernels::GatherElements(x->raw_data(), x->shape().dims(), indices.data(),
                                       idx->shape().dims(), axis, SizeOf(x->dtype()),
                                       y->raw_data());
    return s.ok() ? s : ctx.Error("input 1 (indices): " + s.message());
  }

 private:
  int64_t axis_;
};

}  // namespace

void RegisterGatherElements(OpSet& s) {
  for (int v : {11, 13}) s.Add<GatherElements>("GatherElements", v);
}

}  // namespace ferry::onnx::ops
