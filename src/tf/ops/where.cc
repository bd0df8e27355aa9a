// TF Where(input) (array_ops.cc): the coordinates of the true (non-zero) elements of input as
// an int64 [num_true, rank] tensor, in row-major order.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Where final : public runtime::Op {
 public:
  explicit Where(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    const int r = x->rank();
    const int64_t n = x->NumElements();
    std::vector<int64_t> hits;
    const bool ok = VisitNumeric(
        x->dtype(),
        [&](auto tag) {
          using T = decltype(tag);
          for (int64_t i = 0; i < n; ++i)
            if (x->data<T>()[i] != T(0)) hits.push_back(i);
        },
        /*with_bool=*/true);
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    const int64_t count = static_cast<int64_t>(hits.size());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kInt64, Shape({count, r})));
    int64_t* out = y->data<int64_t>();
    for (int64_t h = 0; h < count; ++h) {
      int64_t flat = hits[h];
      for (int d = r - 1; d >= 0; --d) {
        out[h * r + d] = flat % x->dim(d);
        flat /= x->dim(d);
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterWhere(runtime::OpSet& s) { s.Add<Where>("Where", 1, "tf"); }

}  // namespace ferry::tf::ops
