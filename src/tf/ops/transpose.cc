// TF Transpose(x, perm) (array_ops.cc): out.dim(i) = x.dim(perm[i]). Copies element bytes,
// so it serves every dtype.
#include <vector>

#include "kernels/channels_last.h"
#include "kernels/transform.h"
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
    // A network's NCHW input into NHWC (the converter's input/to_nhwc): the parallel loop.
    if (r == 4 && x->dtype() == DataType::kFloat32 && perm == std::vector<int64_t>{0, 2, 3, 1}) {
      kernels::NchwToNhwc(x->data<float>(), out->data<float>(), x->dim(0), x->dim(1),
                          x->dim(2) * x->dim(3), ctx.num_threads());
      return Status::Ok();
    }
    kernels::Transpose(x->raw_data(), x->shape().dims(), std::vector<int>(perm.begin(), perm.end()),
                       SizeOf(x->dtype()), out->raw_data());
    return Status::Ok();
  }
};

}  // namespace

void RegisterTranspose(runtime::OpSet& s) { s.Add<Transpose>("Transpose", 1, "tf"); }

}  // namespace ferry::tf::ops
