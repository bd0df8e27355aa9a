// TF TopKV2(input, k) with sorted (nn_ops.cc): the k largest entries along the last axis and
// their int32 indices; equal values keep the lower index first (TF's stable order). sorted =
// false may return any order in TF; ferry returns the sorted order, which TF allows.
#include <algorithm>
#include <numeric>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class TopKV2 final : public runtime::Op {
 public:
  explicit TopKV2(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* kt = ctx.input(1);
    if (!x || !kt) return ctx.Error("missing input");
    if (x->rank() < 1) return ctx.Error("input must have rank >= 1");
    if (kt->NumElements() != 1) return ctx.Error("k must be a scalar");
    const int64_t n = x->dim(x->rank() - 1);
    const int64_t k = kt->GetAsInt64(0);
    if (k < 0 || k > n)
      return ctx.Error("k = " + std::to_string(k) + " is outside [0, " + std::to_string(n) + "]");
    std::vector<int64_t> dims = x->shape().dims();
    dims.back() = k;
    FERRY_ASSIGN_OR_RETURN(Tensor * values, ctx.Output(0, x->dtype(), Shape(dims)));
    FERRY_ASSIGN_OR_RETURN(Tensor * indices, ctx.Output(1, DataType::kInt32, Shape(dims)));
    const int64_t rows = n == 0 ? 0 : x->NumElements() / n;
    std::vector<int64_t> order(n);
    const bool ok = VisitNumeric(x->dtype(), [&](auto tag) {
      using T = decltype(tag);
      for (int64_t r = 0; r < rows; ++r) {
        const T* row = x->data<T>() + r * n;
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](int64_t a, int64_t b) { return row[a] > row[b]; });
        for (int64_t j = 0; j < k; ++j) {
          values->data<T>()[r * k + j] = row[order[j]];
          indices->data<int32_t>()[r * k + j] = static_cast<int32_t>(order[j]);
        }
      }
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    return Status::Ok();
  }
};

}  // namespace

void RegisterTopKV2(runtime::OpSet& s) { s.Add<TopKV2>("TopKV2", 1, "tf"); }

}  // namespace ferry::tf::ops
