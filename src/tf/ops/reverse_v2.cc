// TF ReverseV2(tensor, axis) (array_ops.cc): reverses the elements along each axis listed in
// the 1-D `axis` input (negative axes count from the end). Any dtype.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class ReverseV2 final : public runtime::Op {
 public:
  explicit ReverseV2(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* axes = ctx.input(1);
    if (!x || !axes) return ctx.Error("missing input");
    const int r = x->rank();
    std::vector<bool> flip(r, false);
    for (int64_t a : axes->ToInt64Vector()) {
      if (a < -r || a >= r) return ctx.Error("axis " + std::to_string(a) + " is out of range");
      flip[a < 0 ? a + r : a] = true;
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    const size_t es = SizeOf(x->dtype());
    const int64_t n = x->NumElements();
    const auto* in = static_cast<const uint8_t*>(x->raw_data());
    auto* out = static_cast<uint8_t*>(y->raw_data());
    std::vector<int64_t> idx(r, 0), stride(r, 1);
    for (int d = r - 2; d >= 0; --d) stride[d] = stride[d + 1] * x->dim(d + 1);
    for (int64_t i = 0; i < n; ++i) {
      int64_t src = 0;
      for (int d = 0; d < r; ++d) src += (flip[d] ? x->dim(d) - 1 - idx[d] : idx[d]) * stride[d];
      std::memcpy(out + i * es, in + src * es, es);
      for (int d = r - 1; d >= 0; --d) {
        if (++idx[d] < x->dim(d)) break;
        idx[d] = 0;
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterReverseV2(runtime::OpSet& s) { s.Add<ReverseV2>("ReverseV2", 1, "tf"); }

}  // namespace ferry::tf::ops
