// ONNX Unsqueeze (1, 11, 13): inserts size-1 dims at `axes` (attribute before 13, input 1
// from 13 on; negative counted against the output rank). Shares the input's buffer.
#include <algorithm>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Unsqueeze final : public Op {
 public:
  explicit Unsqueeze(const NodeInfo& info) : axes_from_input_(info.opset() >= 13) {
    if (!axes_from_input_) {
      if (!info.node().has_attr("axes")) init_status_ = info.Error("attribute axes is required");
      axes_ = info.node().GetInts("axes");
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    std::vector<int64_t> axes = axes_;
    if (axes_from_input_) {
      FERRY_ASSIGN_OR_RETURN(axes, IntValues(ctx, 1));
    }
    const int out_rank = x->rank() + static_cast<int>(axes.size());
    std::vector<bool> inserted(out_rank, false);
    for (int64_t a : axes) {
      auto axis = NormalizeAxis(a, out_rank, ctx.node().Describe());
      if (!axis.ok()) return axis.status();
      if (inserted[*axis]) return ctx.Error("axis " + std::to_string(a) + " is repeated");
      inserted[*axis] = true;
    }
    std::vector<int64_t> out;
    int src = 0;
    for (int d = 0; d < out_rank; ++d) out.push_back(inserted[d] ? 1 : x->dim(src++));
    FERRY_ASSIGN_OR_RETURN(Tensor y, x->Reshaped(Shape(out)));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }

 private:
  bool axes_from_input_;
  std::vector<int64_t> axes_;
};

}  // namespace

void RegisterUnsqueeze(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<Unsqueeze>("Unsqueeze", v);
}

}  // namespace ferry::onnx::ops
