// ONNX Where (9, 16): y = cond ? x : y with three-way numpy broadcasting.
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Where final : public Op {
 public:
  explicit Where(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kBool}));
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 2));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 1, 2));
    const Tensor& c = *ctx.input(0);
    auto ab = kernels::BroadcastShapes(a->shape().dims(), b->shape().dims());
    if (!ab.ok()) return ctx.Error(ab.status().message());
    auto shape = kernels::BroadcastShapes(c.shape().dims(), *ab);
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, a->dtype(), Shape(*shape)));
    auto run = [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Where<T>(c.data<bool>(), c.shape().dims(), a->data<T>(), a->shape().dims(),
                        b->data<T>(), b->shape().dims(), *shape, y->data<T>());
      return Status::Ok();
    };
    return Dispatch<Types::kAll>(ctx, a->dtype(), run);
  }
};

}  // namespace

void RegisterWhere(OpSet& s) {
  s.Add<Where>("Where", 9);
  s.Add<Where>("Where", 16);
}

}  // namespace ferry::onnx::ops
