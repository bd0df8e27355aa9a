// ONNX NonZero (9, 13): the int64 coordinates [rank, count] of the non-zero elements in
// row-major order (numpy.nonzero); a scalar gives shape [0, 1] or [0, 0].
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class NonZero final : public Op {
 public:
  explicit NonZero(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    const int r = x->rank();
    const int64_t n = x->NumElements();
    std::vector<int64_t> hits;
    for (int64_t i = 0; i < n; ++i)
      if (x->GetAsDouble(i) != 0.0) hits.push_back(i);
    const int64_t count = static_cast<int64_t>(hits.size());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kInt64, Shape{r, count}));
    int64_t* yp = y->data<int64_t>();
    for (int64_t j = 0; j < count; ++j) {
      int64_t rest = hits[j];
      for (int d = r - 1; d >= 0; --d) {
        yp[d * count + j] = rest % x->dim(d);
        rest /= x->dim(d);
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterNonZero(OpSet& s) {
  for (int v : {9, 13}) s.Add<NonZero>("NonZero", v);
}

}  // namespace ferry::onnx::ops
