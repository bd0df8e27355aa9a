// ONNX OneHot (9, 11): indices (any numeric type) -> a new dim of size depth inserted at
// `axis` (default -1), holding values[1] at the index and values[0] elsewhere; negative
// indices count from depth (11), out-of-range ones give an all-off row.
#include <cmath>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class OneHot final : public Op {
 public:
  explicit OneHot(const NodeInfo& info) : axis_(info.node().GetInt("axis", -1)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* depth_t, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* values, RequiredInput(ctx, 2));
    if (depth_t->NumElements() != 1) return ctx.Error("input 1 (depth) must hold one value");
    if (values->NumElements() != 2) return ctx.Error("input 2 (values) must hold two values");
    const int64_t depth = static_cast<int64_t>(depth_t->GetAsDouble(0));
    if (depth <= 0) return ctx.Error("depth must be positive, got " + std::to_string(depth));
    const int r = idx->rank() + 1;
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, r, ctx.node().Describe()));
    std::vector<int64_t> out = idx->shape().dims();
    out.insert(out.begin() + axis, depth);
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= idx->dim(d);
    for (int d = axis; d < idx->rank(); ++d) inner *= idx->dim(d);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, values->dtype(), Shape(out)));
    return Dispatch<Types::kAll>(ctx, values->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T off = values->data<T>()[0], on = values->data<T>()[1];
      T* yp = y->data<T>();
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          int64_t v = static_cast<int64_t>(std::trunc(idx->GetAsDouble(o * inner + i)));
          if (v < 0) v += depth;
          for (int64_t d = 0; d < depth; ++d) yp[(o * depth + d) * inner + i] = d == v ? on : off;
        }
      return Status::Ok();
    });
  }

 private:
  int64_t axis_;
};

}  // namespace

void RegisterOneHot(OpSet& s) {
  for (int v : {9, 11}) s.Add<OneHot>("OneHot", v);
}

}  // namespace ferry::onnx::ops
