// ONNX Range (11): start, start + delta, ... below limit (above it for negative delta);
// max(ceil((limit - start) / delta), 0) elements.
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Range final : public Op {
 public:
  explicit Range(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    for (int i = 0; i < 3; ++i) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, i));
      if (t->NumElements() != 1)
        return ctx.Error("input " + std::to_string(i) + " must be a scalar, got shape " +
                         t->shape().ToString());
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, i));
    }
    const DataType dt = ctx.input(0)->dtype();
    return Dispatch<Types::kNumeric>(ctx, dt, [&](auto tag) -> Status {
      using T = decltype(tag);
      const T start = ctx.input(0)->data<T>()[0], limit = ctx.input(1)->data<T>()[0],
              delta = ctx.input(2)->data<T>()[0];
      if (delta == T(0)) return ctx.Error("delta must be non-zero");
      const double count = std::ceil((static_cast<double>(limit) - static_cast<double>(start)) /
                                     static_cast<double>(delta));
      // A count past int64 (or NaN from infinite bounds) cannot be a shape: refuse it here,
      // before the cast, which would be undefined.
      if (!(count < 9.2e18) && !(count <= 0))
        return ctx.Error("element count " + std::to_string(count) + " overflows int64");
      const int64_t n = count > 0 ? static_cast<int64_t>(count) : 0;
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, dt, Shape{n}));
      for (int64_t i = 0; i < n; ++i) y->data<T>()[i] = static_cast<T>(start + i * delta);
      return Status::Ok();
    });
  }
};

}  // namespace

void RegisterRange(OpSet& s) { s.Add<Range>("Range", 11); }

}  // namespace ferry::onnx::ops
