// ONNX Slice (1, 10, 11, 13): starts/ends/axes as attributes in Slice-1, as inputs (with
// optional axes and steps) from Slice-10 on. Bounds are clamped as numpy does.
#include <limits>

#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Slice final : public Op {
 public:
  explicit Slice(const NodeInfo& info) : from_inputs_(info.opset() >= 10) {
    if (!from_inputs_) {
      starts_ = info.node().GetInts("starts");
      ends_ = info.node().GetInts("ends");
      axes_ = info.node().GetInts("axes");
      if (!info.node().has_attr("starts") || !info.node().has_attr("ends"))
        init_status_ = info.Error("attributes starts and ends are required");
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    std::vector<int64_t> starts = starts_, ends = ends_, axes = axes_, steps;
    if (from_inputs_) {
      FERRY_ASSIGN_OR_RETURN(starts, IntValues(ctx, 1));
      FERRY_ASSIGN_OR_RETURN(ends, IntValues(ctx, 2));
      if (ctx.has_input(3)) {
        FERRY_ASSIGN_OR_RETURN(axes, IntValues(ctx, 3));
      }
      if (ctx.has_input(4)) {
        FERRY_ASSIGN_OR_RETURN(steps, IntValues(ctx, 4));
      }
    }
    const size_t n = starts.size();
    if (ends.size() != n || (!axes.empty() && axes.size() != n) ||
        (!steps.empty() && steps.size() != n))
      return ctx.Error("starts, ends, axes and steps must have the same length");
    if (axes.empty())
      for (size_t i = 0; i < n; ++i) axes.push_back(static_cast<int64_t>(i));
    if (steps.empty()) steps.assign(n, 1);
    const int r = x->rank();
    std::vector<int64_t> begin(r, 0), step(r, 1), out = x->shape().dims();
    std::vector<bool> seen(r, false);
    for (size_t i = 0; i < n; ++i) {
      auto axis = NormalizeAxis(axes[i], r, ctx.node().Describe());
      if (!axis.ok()) return axis.status();
      if (seen[*axis]) return ctx.Error("axis " + std::to_string(axes[i]) + " is repeated");
      seen[*axis] = true;
      if (steps[i] == 0) return ctx.Error("steps must be non-zero");
      const int64_t dim = x->dim(*axis), st = steps[i];
      int64_t s = starts[i], e = ends[i];
      // ONNX Slice-13: negative indices count from the end, then clamp to [0, dim] for
      // positive steps and [0, dim - 1] / [-1, dim - 1] for negative ones.
      if (s < 0) s += dim;
      if (e < 0 && e > std::numeric_limits<int64_t>::min() / 2) e += dim;
      if (st > 0) {
        s = std::clamp<int64_t>(s, 0, dim);
        e = std::clamp<int64_t>(e, 0, dim);
        out[*axis] = e > s ? (e - s + st - 1) / st : 0;
      } else {
        s = std::clamp<int64_t>(s, 0, dim - 1);
        e = std::clamp<int64_t>(e, -1, dim - 1);
        out[*axis] = s > e ? (s - e + (-st) - 1) / (-st) : 0;
      }
      begin[*axis] = s;
      step[*axis] = st;
    }
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    kernels::Slice(x->raw_data(), x->shape().dims(), begin, step, out, SizeOf(x->dtype()),
                   y->raw_data());
    return Status::Ok();
  }

 private:
  bool from_inputs_;
  std::vector<int64_t> starts_, ends_, axes_;
};

}  // namespace

void RegisterSlice(OpSet& s) {
  for (int v : {1, 10, 11, 13}) s.Add<Slice>("Slice", v);
}

}  // namespace ferry::onnx::ops
