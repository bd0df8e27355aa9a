// ONNX Squeeze (1, 11, 13): removes size-1 dims at `axes` (attribute before 13, optional
// input 1 from 13 on), or every size-1 dim when axes is absent. Shares the input's buffer.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Squeeze final : public Op {
 public:
  explicit Squeeze(const NodeInfo& info) : axes_from_input_(info.opset() >= 13) {
    if (!axes_from_input_ && info.node().has_attr("axes")) axes_ = info.node().GetInts("axes");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    std::optional<std::vector<int64_t>> axes = axes_;
    if (axes_from_input_ && ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(axes, IntValues(ctx, 1));
    }
    std::vector<bool> drop(x->rank(), false);
    if (axes) {
      for (int64_t a : *axes) {
        auto axis = NormalizeAxis(a, x->rank(), ctx.node().Describe());
        if (!axis.ok()) return axis.status();
        if (x->dim(*axis) != 1)
          return ctx.Error("cannot squeeze axis " + std::to_string(a) + " of size " +
                           std::to_string(x->dim(*axis)) + " (input shape " +
                           x->shape().ToString() + ")");
        drop[*axis] = true;
      }
    } else {
      for (int d = 0; d < x->rank(); ++d) drop[d] = x->dim(d) == 1;
    }
    std::vector<int64_t> out;
    for (int d = 0; d < x->rank(); ++d)
      if (!drop[d]) out.push_back(x->dim(d));
    FERRY_ASSIGN_OR_RETURN(Tensor y, x->Reshaped(Shape(out)));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }

 private:
  bool axes_from_input_;
  std::optional<std::vector<int64_t>> axes_;
};

}  // namespace

void RegisterSqueeze(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<Squeeze>("Squeeze", v);
}

}  // namespace ferry::onnx::ops
