// ONNX variadic elementwise ops Sum, Mean, Max, Min (1, 6, 8, 12, 13): a left fold of the
// broadcasting binary kernel over all inputs (Mean divides the sum by the input count).
// float16/bfloat16 fold in float32 and round once at the end.
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

enum class Fold { kSum, kMean, kMax, kMin };

template <Fold K>
class Variadic final : public Op {
 public:
  explicit Variadic(const NodeInfo& info) {
    if (info.num_inputs() == 0) init_status_ = info.Error("needs at least one input");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* first, RequiredInput(ctx, 0));
    const kernels::BinaryOp op = K == Fold::kMax   ? kernels::BinaryOp::kMax
                                 : K == Fold::kMin ? kernels::BinaryOp::kMin
                                                   : kernels::BinaryOp::kAdd;
    const bool half = IsHalf(first->dtype());
    Tensor acc = half ? HalfToFloat32(*first) : *first;
    for (int i = 1; i < ctx.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* input, RequiredInput(ctx, i));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, i));
      const Tensor widened = half ? HalfToFloat32(*input) : Tensor();
      const Tensor* t = half ? &widened : input;
      auto shape = kernels::BroadcastShapes(acc.shape().dims(), t->shape().dims());
      if (!shape.ok()) return ctx.Error(shape.status().message());
      Tensor next(acc.dtype(), Shape(*shape));
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kNumeric>(ctx, acc.dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        return kernels::Binary<T>(op, acc.data<T>(), acc.shape().dims(), t->data<T>(),
                                  t->shape().dims(), next.data<T>());
      }));
      acc = std::move(next);
    }
    if (K == Fold::kMean) {
      Tensor mean(acc.dtype(), acc.shape());
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kFloat>(ctx, acc.dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        const T n = static_cast<T>(ctx.num_inputs());
        const int64_t count = acc.NumElements();
        for (int64_t i = 0; i < count; ++i) mean.data<T>()[i] = acc.data<T>()[i] / n;
        return Status::Ok();
      }));
      acc = std::move(mean);
    }
    ctx.SetOutput(0, half ? Float32ToHalf(acc, first->dtype()) : std::move(acc));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSum(OpSet& s) {
  for (int v : {1, 6, 8, 13}) s.Add<Variadic<Fold::kSum>>("Sum", v);
}
void RegisterMean(OpSet& s) {
  for (int v : {1, 6, 8, 13}) s.Add<Variadic<Fold::kMean>>("Mean", v);
}
void RegisterMax(OpSet& s) {
  for (int v : {1, 6, 8, 12, 13}) s.Add<Variadic<Fold::kMax>>("Max", v);
}
void RegisterMin(OpSet& s) {
  for (int v : {1, 6, 8, 12, 13}) s.Add<Variadic<Fold::kMin>>("Min", v);
}

}  // namespace ferry::onnx::ops
