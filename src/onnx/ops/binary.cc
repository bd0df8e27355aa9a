// ONNX binary arithmetic with numpy broadcasting: Add, Sub, Mul, Div (7, 13, 14) and
// Pow (7, 12, 13, 15). Integer types serve the shape computations exporters emit.
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <kernels::BinaryOp K>
class Binary final : public Op {
 public:
  explicit Binary(const NodeInfo& info) {
    if (info.node().GetInt("broadcast", 0) != 0 && info.opset() < 7)
      init_status_ = Unimplemented(info.Describe() + ": legacy broadcast attribute (opset < 7)");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 1));
    Tensor converted;
    if (a->dtype() != b->dtype()) {
      // Pow-12: the exponent may have its own type; compute in the base's type.
      if (K != kernels::BinaryOp::kPow) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
      converted = Tensor(a->dtype(), b->shape());
      FERRY_RETURN_IF_ERROR(Dispatch(ctx, a->dtype(), Types::kNumeric, [&](auto tag) -> Status {
        using T = decltype(tag);
        for (int64_t i = 0; i < b->NumElements(); ++i)
          converted.data<T>()[i] = static_cast<T>(b->GetAsDouble(i));
        return Status::Ok();
      }));
      b = &converted;
    }
    auto shape = kernels::BroadcastShapes(a->shape().dims(), b->shape().dims());
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, a->dtype(), Shape(*shape)));
    Status s = Dispatch(ctx, a->dtype(), Types::kNumeric, [&](auto tag) -> Status {
      using T = decltype(tag);
      return kernels::Binary<T>(K, a->data<T>(), a->shape().dims(), b->data<T>(),
                                b->shape().dims(), y->data<T>());
    });
    return s.ok() || s.code() == StatusCode::kUnimplemented ? s : ctx.Error(s.message());
  }
};

}  // namespace

void RegisterAdd(OpSet& s) {
  for (int v : {7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kAdd>>("Add", v);
}
void RegisterSub(OpSet& s) {
  for (int v : {7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kSub>>("Sub", v);
}
void RegisterMul(OpSet& s) {
  for (int v : {7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kMul>>("Mul", v);
}
void RegisterDiv(OpSet& s) {
  for (int v : {7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kDiv>>("Div", v);
}
void RegisterPow(OpSet& s) {
  for (int v : {7, 12, 13, 15}) s.Add<Binary<kernels::BinaryOp::kPow>>("Pow", v);
}

}  // namespace ferry::onnx::ops
