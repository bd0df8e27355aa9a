// TF Identity(input) (array_ops.cc): forwards its input buffer.
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Identity final : public runtime::Op {
 public:
  explicit Identity(const runtime::NodeInfo& info) {
    if (info.num_inputs() < 1) init_status_ = info.Error("expects 1 input");
  }

  Status Run(runtime::OpContext& ctx) const override {
    if (!ctx.input(0)) return ctx.Error("missing input 0");
    ctx.SetOutput(0, *ctx.input(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterIdentity(runtime::OpSet& s) { s.Add<Identity>("Identity", 1, "tf"); }

}  // namespace ferry::tf::ops
