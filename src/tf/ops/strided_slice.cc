// TF StridedSlice(input, begin, end, strides) (array_ops.cc) with begin_mask, end_mask and
// shrink_axis_mask (a shrunk dim takes the one element at begin, which must lie inside the dim,
// and leaves the output); ellipsis and new-axis masks are not supported (the converter emits
// none).
// Per dim, as TF's ValidateStridedSliceOp: negative indices count from the end, then
// begin/end clamp to [0, dim] for a positive stride and to [-1, dim - 1] for a negative one.
#include <algorithm>
#include <vector>

#include "kernels/transform.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

int64_t IntAttr(const runtime::NodeInfo& info, const char* name) {
  const ir::Attribute* a = info.node().attr(name);
  return a && a->kind() == ir::AttrKind::kInt ? a->i() : 0;
}

class StridedSlice final : public runtime::Op {
 public:
  explicit StridedSlice(const runtime::NodeInfo& info)
      : begin_mask_(IntAttr(info, "begin_mask")),
        end_mask_(IntAttr(info, "end_mask")),
        shrink_mask_(IntAttr(info, "shrink_axis_mask")) {
    if (info.num_inputs() != 4) init_status_ = info.Error("expects 4 inputs");
    for (const char* m : {"ellipsis_mask", "new_axis_mask"})
      if (IntAttr(info, m) != 0)
        init_status_ = Unimplemented(info.Describe() + ": attribute " + m + " is not supported");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x || !ctx.input(1) || !ctx.input(2) || !ctx.input(3)) return ctx.Error("missing input");
    const std::vector<int64_t> begin = ctx.input(1)->ToInt64Vector();
    const std::vector<int64_t> end = ctx.input(2)->ToInt64Vector();
    const std::vector<int64_t> strides = ctx.input(3)->ToInt64Vector();
    const int r = x->rank();
    if (begin.size() != end.size() || begin.size() != strides.size() ||
        static_cast<int>(begin.size()) > r)
      return ctx.Error("begin, end and strides must have one entry per sliced dim (rank " +
                       std::to_string(r) + ")");
    std::vector<int64_t> starts(r, 0), steps(r, 1), out(x->shape().dims()), kept;
    for (size_t d = 0; d < begin.size(); ++d) {
      const int64_t dim = x->dim(d), s = strides[d];
      if (shrink_mask_ >> d & 1) {
        const int64_t b = begin[d] < 0 ? begin[d] + dim : begin[d];
        if (b < 0 || b >= dim)
          return ctx.Error("shrunk dim " + std::to_string(d) + ": index " +
                           std::to_string(begin[d]) + " is outside [0, " + std::to_string(dim) +
                           ")");
        starts[d] = b;
        out[d] = 1;
        continue;
      }
      if (s == 0) return ctx.Error("stride of dim " + std::to_string(d) + " is 0");
      const int64_t lo = s > 0 ? 0 : -1, hi = s > 0 ? dim : dim - 1;
      auto resolve = [&](int64_t v, bool masked, int64_t masked_value) {
        if (masked) return masked_value;
        if (v < 0) v += dim;
        return std::clamp(v, lo, hi);
      };
      const int64_t b = resolve(begin[d], begin_mask_ >> d & 1, s > 0 ? 0 : dim - 1);
      const int64_t e = resolve(end[d], end_mask_ >> d & 1, s > 0 ? dim : -1);
      const int64_t len = s > 0 ? (e - b + s - 1) / s : (b - e + (-s) - 1) / (-s);
      starts[d] = b;
      steps[d] = s;
      out[d] = std::max<int64_t>(0, len);
    }
    for (int d = 0; d < r; ++d)
      if (!(d < static_cast<int>(begin.size()) && (shrink_mask_ >> d & 1))) kept.push_back(out[d]);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(kept)));
    if (y->NumElements() > 0)
      kernels::Slice(x->raw_data(), x->shape().dims(), starts, steps, out, SizeOf(x->dtype()),
                     y->raw_data());
    return Status::Ok();
  }

 private:
  int64_t begin_mask_, end_mask_, shrink_mask_;
};

}  // namespace

void RegisterStridedSlice(runtime::OpSet& s) { s.Add<StridedSlice>("StridedSlice", 1, "tf"); }

}  // namespace ferry::tf::ops
