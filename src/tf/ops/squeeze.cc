// TF Squeeze(input) with squeeze_dims (array_ops.cc): drops the listed size-1 dims, or
// every size-1 dim when the list is empty. Shares the buffer.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Squeeze final : public runtime::Op {
 public:
  explicit Squeeze(const runtime::NodeInfo& info) {
    auto d = IntsAttr(info, "squeeze_dims", false);
    if (!d.ok())
      init_status_ = d.status();
    else
      dims_ = *d;
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    const int r = x->rank();
    std::vector<bool> drop(r, false);
    for (int64_t a : dims_) {
      auto ax = NormalizeAxis(a, r, ctx.node().Describe() + " squeeze_dims");
      if (!ax.ok()) return ax.status();
      if (x->dim(*ax) != 1)
        return ctx.Error("dim " + std::to_string(*ax) + " of " + x->shape().ToString() +
                         " is not 1");
      drop[*ax] = true;
    }
    std::vector<int64_t> out;
    for (int i = 0; i < r; ++i)
      if (!(dims_.empty() ? x->dim(i) == 1 : drop[i])) out.push_back(x->dim(i));
    auto t = x->Reshaped(Shape(out));
    if (!t.ok()) return t.status();
    ctx.SetOutput(0, *t);
    return Status::Ok();
  }

 private:
  std::vector<int64_t> dims_;
};

}  // namespace

void RegisterSqueeze(runtime::OpSet& s) { s.Add<Squeeze>("Squeeze", 1, "tf"); }

}  // namespace ferry::tf::ops
