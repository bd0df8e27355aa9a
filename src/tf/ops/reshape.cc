// TF Reshape(tensor, shape) (array_ops.cc): one -1 may be inferred; shares the buffer.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Reshape final : public runtime::Op {
 public:
  explicit Reshape(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* s = ctx.input(1);
    if (!x || !s) return ctx.Error("missing input");
    std::vector<int64_t> dims = s->ToInt64Vector();
    int infer = -1;
    int64_t known = 1;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == -1) {
        if (infer >= 0) return ctx.Error("shape has more than one -1");
        infer = static_cast<int>(i);
      } else if (dims[i] < 0) {
        return ctx.Error("shape has a negative dim " + std::to_string(dims[i]));
      } else {
        known *= dims[i];
      }
    }
    if (infer >= 0) {
      if (known == 0 || x->NumElements() % known != 0)
        return ctx.Error("cannot reshape " + x->shape().ToString() + " to " +
                         Shape(dims).ToString());
      dims[infer] = x->NumElements() / known;
    }
    auto r = x->Reshaped(Shape(dims));
    if (!r.ok()) return ctx.Error(r.status().message());
    ctx.SetOutput(0, *r);
    return Status::Ok();
  }
};

}  // namespace

void RegisterReshape(runtime::OpSet& s) { s.Add<Reshape>("Reshape", 1, "tf"); }

}  // namespace ferry::tf::ops
