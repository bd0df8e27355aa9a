// TF GatherV2(params, indices, axis) with batch_dims 0 (array_ops.cc): output shape is
// params.shape[:axis] + indices.shape + params.shape[axis+1:]. Negative indices are
// rejected, as TF's CPU kernel does.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class GatherV2 final : public runtime::Op {
 public:
  explicit GatherV2(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 3)
      init_status_ = info.Error("expects 3 inputs");
    else if (info.node().GetInt("batch_dims", 0) != 0)
      init_status_ = info.Error("batch_dims other than 0 is not supported");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* p = ctx.input(0);
    const Tensor* ind = ctx.input(1);
    const Tensor* a = ctx.input(2);
    if (!p || !ind || !a) return ctx.Error("missing input");
    auto axis = NormalizeAxis(a->GetAsInt64(0), p->rank(), ctx.node().Describe() + " axis");
    if (!axis.ok()) return axis.status();
    std::vector<int64_t> idx = ind->ToInt64Vector();
    std::vector<int64_t> dims;
    for (int i = 0; i < *axis; ++i) dims.push_back(p->dim(i));
    for (int64_t d : ind->shape().dims()) dims.push_back(d);
    for (int i = *axis + 1; i < p->rank(); ++i) dims.push_back(p->dim(i));
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, p->dtype(), Shape(dims)));
    int64_t outer = 1, inner = SizeOf(p->dtype());
    for (int i = 0; i < *axis; ++i) outer *= p->dim(i);
    for (int i = *axis + 1; i < p->rank(); ++i) inner *= p->dim(i);
    const int64_t limit = p->dim(*axis);
    const auto* in = static_cast<const uint8_t*>(p->raw_data());
    auto* o = static_cast<uint8_t*>(out->raw_data());
    for (int64_t k = 0; k < outer; ++k) {
      for (size_t j = 0; j < idx.size(); ++j) {
        if (idx[j] < 0 || idx[j] >= limit)
          return ctx.Error("index " + std::to_string(idx[j]) + " is outside [0, " +
                           std::to_string(limit) + ")");
        std::memcpy(o + (k * idx.size() + j) * inner, in + (k * limit + idx[j]) * inner, inner);
      }
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterGatherV2(runtime::OpSet& s) { s.Add<GatherV2>("GatherV2", 1, "tf"); }

}  // namespace ferry::tf::ops
