// TF GatherNd(params, indices) (array_ops.cc): indices [..., K] address the first K dims of
// params; the output is indices.shape[:-1] + params.shape[K:]. Out-of-range indices are an
// error (TF's CPU kernel rejects them too).
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class GatherNd final : public runtime::Op {
 public:
  explicit GatherNd(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* p = ctx.input(0);
    const Tensor* idx = ctx.input(1);
    if (!p || !idx) return ctx.Error("missing input");
    if (idx->rank() < 1) return ctx.Error("indices must have rank >= 1");
    const int64_t k = idx->dim(idx->rank() - 1);
    if (k > p->rank()) return ctx.Error("indices address more dims than params has");
    std::vector<int64_t> out(idx->shape().dims().begin(), idx->shape().dims().end() - 1);
    int64_t slice = 1;
    for (int d = static_cast<int>(k); d < p->rank(); ++d) {
      out.push_back(p->dim(d));
      slice *= p->dim(d);
    }
    std::vector<int64_t> stride(k, slice);
    for (int64_t d = k - 2; d >= 0; --d) stride[d] = stride[d + 1] * p->dim(d + 1);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, p->dtype(), Shape(out)));
    const size_t bytes = slice * SizeOf(p->dtype());
    const int64_t n = k == 0 ? idx->NumElements() : idx->NumElements() / k;
    for (int64_t i = 0; i < n; ++i) {
      int64_t off = 0;
      for (int64_t d = 0; d < k; ++d) {
        const int64_t v = idx->GetAsInt64(i * k + d);
        if (v < 0 || v >= p->dim(d))
          return ctx.Error("index " + std::to_string(v) + " is outside [0, " +
                           std::to_string(p->dim(d)) + ")");
        off += v * stride[d];
      }
      std::memcpy(static_cast<uint8_t*>(y->raw_data()) + i * bytes,
                  static_cast<const uint8_t*>(p->raw_data()) + off * SizeOf(p->dtype()), bytes);
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterGatherNd(runtime::OpSet& s) { s.Add<GatherNd>("GatherNd", 1, "tf"); }

}  // namespace ferry::tf::ops
