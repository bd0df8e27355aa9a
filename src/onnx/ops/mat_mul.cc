// ONNX MatMul (1, 9, 13): numpy matmul with broadcast batch dims.
#include "kernels/gemm.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class MatMul final : public Op {
 public:
  explicit MatMul(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    auto shape = kernels::MatMulShape(a->shape().dims(), b->shape().dims());
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, a->dtype(), Shape(*shape)));
    return Dispatch<Types::kNumeric>(ctx, a->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      return kernels::MatMul<T>(a->data<T>(), a->shape().dims(), b->data<T>(), b->shape().dims(),
                                y->data<T>(), ctx.num_threads());
    });
  }
};

}  // namespace

void RegisterMatMul(OpSet& s) {
  for (int v : {1, 9, 13}) s.Add<MatMul>("MatMul", v);
}

}  // namespace ferry::onnx::ops
