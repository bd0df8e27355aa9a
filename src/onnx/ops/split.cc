// ONNX Split (2, 11, 13, 18): splits along axis into the sizes of `split` (attribute before
// 13, optional input 1 from 13 on) or into equal parts (num_outputs in Split-18; the last
// part smaller when the dim does not divide evenly).
#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Split final : public Op {
 public:
  explicit Split(const NodeInfo& info) : split_from_input_(info.opset() >= 13) {
    axis_ = info.node().GetInt("axis", 0);
    if (!split_from_input_) split_ = info.node().GetInts("split");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    auto axis = NormalizeAxis(axis_, x->rank(), ctx.node().Describe());
    if (!axis.ok()) return axis.status();
    std::vector<int64_t> split = split_;
    if (split_from_input_ && ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(split, IntValues(ctx, 1));
    }
    const int n = ctx.num_outputs();
    const int64_t dim = x->dim(*axis);
    if (split.empty()) {
      const int64_t part = (dim + n - 1) / n;
      for (int i = 0; i < n; ++i)
        split.push_back(std::max<int64_t>(0, std::min(part, dim - i * part)));
    }
    int64_t total = 0;
    for (int64_t s : split) total += s;
    if (static_cast<int>(split.size()) != n || total != dim)
      return ctx.Error("split sizes do not add up to dim " + std::to_string(*axis) + " of " +
                       x->shape().ToString() + " over " + std::to_string(n) + " outputs");
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    std::vector<int64_t> starts(x->rank(), 0), steps(x->rank(), 1);
    for (int i = 0; i < n; ++i) {
      std::vector<int64_t> out = x->shape().dims();
      out[*axis] = split[i];
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(i, x->dtype(), Shape(out)));
      kernels::Slice(x->raw_data(), x->shape().dims(), starts, steps, out, SizeOf(x->dtype()),
                     y->raw_data());
      starts[*axis] += split[i];
    }
    return Status::Ok();
  }

 private:
  bool split_from_input_;
  int64_t axis_ = 0;
  std::vector<int64_t> split_;
};

}  // namespace

void RegisterSplit(OpSet& s) {
  for (int v : {2, 11, 13, 18}) s.Add<Split>("Split", v);
}

}  // namespace ferry::onnx::ops
