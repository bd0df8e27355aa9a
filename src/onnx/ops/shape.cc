// ONNX Shape (1, 13, 15): the input's dims as int64; Shape-15 slices them with start/end
// (clamped, negative counted from the back).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ShapeOp final : public Op {
 public:
  explicit ShapeOp(const NodeInfo& info) {
    start_ = info.node().GetInt("start", 0);
    if (info.node().has_attr("end")) end_ = info.node().GetInt("end", 0);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int64_t r = x->rank();
    auto clamp = [r](int64_t v) {
      if (v < 0) v += r;
      return std::min(std::max<int64_t>(v, 0), r);
    };
    const int64_t begin = clamp(start_), end = end_ ? clamp(*end_) : r;
    const int64_t n = std::max<int64_t>(0, end - begin);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kInt64, Shape{n}));
    for (int64_t i = 0; i < n; ++i) y->data<int64_t>()[i] = x->dim(static_cast<int>(begin + i));
    return Status::Ok();
  }

 private:
  int64_t start_ = 0;
  std::optional<int64_t> end_;
};

}  // namespace

void RegisterShape(OpSet& s) {
  for (int v : {1, 13, 15}) s.Add<ShapeOp>("Shape", v);
}

}  // namespace ferry::onnx::ops
