// ONNX ScatterElements (11, 13, 16 with reduction none) and its deprecated alias Scatter
// (9, 11): y = data with y[i with the axis coordinate replaced by indices[i]] = updates[i].
// The add/mul reductions of ScatterElements-16 are not implemented (none in the corpus at
// opset <= 17 needs them).
#include <cstring>

#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ScatterElements final : public Op {
 public:
  explicit ScatterElements(const NodeInfo& info) : axis_(info.node().GetInt("axis", 0)) {
    const std::string r = info.node().GetString("reduction", "none");
    if (r != "none")
      init_status_ = Unimplemented(info.Describe() + ": reduction '" + r + "' is not supported");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* updates, RequiredInput(ctx, 2));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> indices, IntValues(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    if (x->rank() == 0 || idx->rank() != x->rank())
      return ctx.Error("input 1 (indices) has rank " + std::to_string(idx->rank()) +
                       ", expected input 0's rank " + std::to_string(x->rank()) + " (>= 1)");
    if (updates->shape() != idx->shape())
      return ctx.Error("input 2 (updates) has shape " + updates->shape().ToString() +
                       ", expected the indices' shape " + idx->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
    for (int d = 0; d < x->rank(); ++d)
      if (d != axis && idx->dim(d) > x->dim(d))
        return ctx.Error("input 1 (indices) shape " + idx->shape().ToString() +
                         " exceeds data shape " + x->shape().ToString() + " in dim " +
                         std::to_string(d));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    std::memcpy(y->raw_data(), x->raw_data(), x->NumElements() * SizeOf(x->dtype()));
    Status s = kernels::ScatterElements(indices.data(), idx->shape().dims(), updates->raw_data(),
                                        axis, x->shape().dims(), SizeOf(x->dtype()),
                                        y->raw_data());
    return s.ok() ? s : ctx.Error("input 1 (indices): " + s.message());
  }

 private:
  int64_t axis_;
};

}  // namespace

void RegisterScatterElements(OpSet& s) {
  for (int v : {11, 13, 16}) s.Add<ScatterElements>("ScatterElements", v);
}
void RegisterScatter(OpSet& s) {
  for (int v : {9, 11}) s.Add<ScatterElements>("Scatter", v);
}

}  // namespace ferry::onnx::ops
