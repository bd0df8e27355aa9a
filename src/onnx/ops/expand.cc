// ONNX Expand (8, 13): broadcasts the input with the shape of input 1 (numpy
// bidirectional rules: the output may be larger than the requested shape).
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Expand final : public Op {
 public:
  explicit Expand(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 1));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> dims, IntValues(ctx, 1));
    auto shape = kernels::BroadcastShapes(x->shape().dims(), dims);
    if (!shape.ok()) return ctx.Error(shape.status().message());
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(*shape)));
    kernels::BroadcastTo(x->raw_data(), x->shape().dims(), SizeOf(x->dtype()), *shape,
                         y->raw_data());
    return Status::Ok();
  }
};

}  // namespace

void RegisterExpand(OpSet& s) {
  for (int v : {8, 13}) s.Add<Expand>("Expand", v);
}

}  // namespace ferry::onnx::ops
