// TF Cumsum(x, axis) with exclusive and reverse (math_ops.cc): running sums along `axis`
// (a scalar input, negative counts from the end); exclusive leaves out the element itself,
// reverse sums from the end. Numeric dtypes.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Cumsum final : public runtime::Op {
 public:
  explicit Cumsum(const runtime::NodeInfo& info)
      : exclusive_(BoolAttr(info, "exclusive", false)), reverse_(BoolAttr(info, "reverse", false)) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* a = ctx.input(1);
    if (!x || !a) return ctx.Error("missing input");
    if (a->NumElements() != 1) return ctx.Error("axis must be a scalar");
    const int r = x->rank();
    int64_t axis = a->GetAsInt64(0);
    if (axis < -r || axis >= r) return ctx.Error("axis " + std::to_string(axis) + " is out of range");
    if (axis < 0) axis += r;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < r; ++d) inner *= x->dim(d);
    const int64_t len = x->dim(axis);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    const bool ok = VisitNumeric(x->dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* in = x->data<T>();
      T* out = y->data<T>();
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i) {
          T acc = T(0);
          for (int64_t s = 0; s < len; ++s) {
            const int64_t k = reverse_ ? len - 1 - s : s;
            const int64_t at = (o * len + k) * inner + i;
            if (exclusive_) {
              out[at] = acc;
              acc += in[at];
            } else {
              acc += in[at];
              out[at] = acc;
            }
          }
        }
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    return Status::Ok();
  }

 private:
  bool exclusive_, reverse_;
};

}  // namespace

void RegisterCumsum(runtime::OpSet& s) { s.Add<Cumsum>("Cumsum", 1, "tf"); }

}  // namespace ferry::tf::ops
