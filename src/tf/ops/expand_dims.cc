// TF ExpandDims(input, dim) (array_ops.cc): inserts a size-1 dim at `dim` in
// [-rank-1, rank]. Shares the buffer.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class ExpandDims final : public runtime::Op {
 public:
  explicit ExpandDims(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* d = ctx.input(1);
    if (!x || !d) return ctx.Error("missing input");
    auto ax = NormalizeAxis(d->GetAsInt64(0), x->rank() + 1, ctx.node().Describe() + " dim");
    if (!ax.ok()) return ax.status();
    std::vector<int64_t> dims = x->shape().dims();
    dims.insert(dims.begin() + *ax, 1);
    auto t = x->Reshaped(Shape(dims));
    if (!t.ok()) return t.status();
    ctx.SetOutput(0, *t);
    return Status::Ok();
  }
};

}  // namespace

void RegisterExpandDims(runtime::OpSet& s) { s.Add<ExpandDims>("ExpandDims", 1, "tf"); }

}  // namespace ferry::tf::ops
