// TF Transpose(x, perm) (array_ops.cc): out.dim(i) = x.dim(perm[i]). Copies element bytes,
// so it serves every dtype.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Transpose final : public runtime::Op {
 public:
  explicit Transpose(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* p = ctx.input(1);
    if (!x || !p) return ctx.Error("missing input");
    std::vector<int64_t> perm = p->ToInt64Vector();
    const int r = x->rank();
    if (static_cast<int>(perm.size()) != r)
      return ctx.Error("perm has " + std::to_string(perm.size()) + " entries for rank " +
                       std::to_string(r));
    std::vector<bool> seen(r, false);
    std::vector<int64_t> out_dims(r);
    for (int i = 0; i < r; ++i) {
      if (perm[i] < 0 || perm[i] >= r || seen[perm[i]])
        return ctx.Error("perm is not a permutation of 0.." + std::to_string(r - 1));
      seen[perm[i]] = true;
      out_dims[i] = x->dim(static_cast<int>(perm[i]));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, x->dtype(), Shape(out_dims)));
    std::vector<int64_t> in_stride(r, 1);
    for (int i = r - 2; i >= 0; --i) in_stride[i] = in_stride[i + 1] * x->dim(i + 1);
    std::vector<int64_t> src_stride(r);
    for (int i = 0; i < r; ++i) src_stride[i] = in_stride[perm[i]];
    const size_t es = SizeOf(x->dtype());
    const auto* in = static_cast<const uint8_t*>(x->raw_data());
    auto* o = static_cast<uint8_t*>(out->raw_data());
    const int64_t n = out->NumElements();
    std::vector<int64_t> idx(r, 0);
    int64_t src = 0;
    for (int64_t i = 0; i < n; ++i) {
      std::memcpy(o + i * es, in + src * es, es);
      for (int d = r - 1; d >= 0; --d) {
        ++idx[d];
        src += src_stride[d];
        if (idx[d] < out_dims[d]) break;
        src -= src_stride[d] * out_dims[d];
        idx[d] = 0;
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterTranspose(runtime::OpSet& s) { s.Add<Transpose>("Transpose", 1, "tf"); }

}  // namespace ferry::tf::ops
