// TF Tile(input, multiples) (array_ops.cc): repeats the input multiples[d] times along dim d.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Tile final : public runtime::Op {
 public:
  explicit Tile(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* m = ctx.input(1);
    if (!x || !m) return ctx.Error("missing input");
    const std::vector<int64_t> mult = m->ToInt64Vector();
    const int r = x->rank();
    if (static_cast<int>(mult.size()) != r)
      return ctx.Error("multiples has " + std::to_string(mult.size()) + " entries for rank " +
                       std::to_string(r));
    std::vector<int64_t> out(r);
    for (int d = 0; d < r; ++d) {
      if (mult[d] < 0) return ctx.Error("negative multiple");
      out[d] = x->dim(d) * mult[d];
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    const size_t es = SizeOf(x->dtype());
    const auto* in = static_cast<const uint8_t*>(x->raw_data());
    auto* o = static_cast<uint8_t*>(y->raw_data());
    // Output index -> input index by taking each coordinate modulo the input dim.
    std::vector<int64_t> in_stride(r, 1), idx(r, 0);
    for (int d = r - 2; d >= 0; --d) in_stride[d] = in_stride[d + 1] * x->dim(d + 1);
    const int64_t n = y->NumElements();
    for (int64_t i = 0; i < n; ++i) {
      int64_t src = 0;
      for (int d = 0; d < r; ++d) src += (idx[d] % x->dim(d)) * in_stride[d];
      std::memcpy(o + i * es, in + src * es, es);
      for (int d = r - 1; d >= 0; --d) {
        if (++idx[d] < out[d]) break;
        idx[d] = 0;
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterTile(runtime::OpSet& s) { s.Add<Tile>("Tile", 1, "tf"); }

}  // namespace ferry::tf::ops
