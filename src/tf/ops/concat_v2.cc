// TF ConcatV2(values..., axis) (array_ops.cc): N inputs then the axis tensor.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class ConcatV2 final : public runtime::Op {
 public:
  explicit ConcatV2(const runtime::NodeInfo& info) {
    if (info.num_inputs() < 2) init_status_ = info.Error("expects at least 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const int n = ctx.num_inputs() - 1;
    const Tensor* axis_t = ctx.input(n);
    if (!axis_t) return ctx.Error("missing axis input");
    const Tensor* first = ctx.input(0);
    if (!first) return ctx.Error("missing input 0");
    const int r = first->rank();
    auto axis = NormalizeAxis(axis_t->GetAsInt64(0), r, ctx.node().Describe() + " axis");
    if (!axis.ok()) return axis.status();
    std::vector<int64_t> dims = first->shape().dims();
    dims[*axis] = 0;
    for (int i = 0; i < n; ++i) {
      const Tensor* t = ctx.input(i);
      if (!t) return ctx.Error("missing input " + std::to_string(i));
      if (t->dtype() != first->dtype() || t->rank() != r)
        return ctx.Error("input " + std::to_string(i) + " " + t->DebugString() +
                         " does not match input 0 " + first->DebugString());
      for (int d = 0; d < r; ++d)
        if (d != *axis && t->dim(d) != first->dim(d))
          return ctx.Error("input " + std::to_string(i) + " shape " + t->shape().ToString() +
                           " does not match " + first->shape().ToString() + " off axis " +
                           std::to_string(*axis));
      dims[*axis] += t->dim(*axis);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, first->dtype(), Shape(dims)));
    int64_t outer = 1, inner = SizeOf(first->dtype());
    for (int d = 0; d < *axis; ++d) outer *= dims[d];
    for (int d = *axis + 1; d < r; ++d) inner *= dims[d];
    auto* o = static_cast<uint8_t*>(out->raw_data());
    const int64_t out_row = dims[*axis] * inner;
    int64_t offset = 0;
    for (int i = 0; i < n; ++i) {
      const Tensor* t = ctx.input(i);
      const int64_t row = t->dim(*axis) * inner;
      const auto* in = static_cast<const uint8_t*>(t->raw_data());
      for (int64_t k = 0; k < outer; ++k) std::memcpy(o + k * out_row + offset, in + k * row, row);
      offset += row;
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterConcatV2(runtime::OpSet& s) { s.Add<ConcatV2>("ConcatV2", 1, "tf"); }

}  // namespace ferry::tf::ops
