// ONNX SplitToSequence (11): splits the input along `axis` into a sequence. `split` is a
// scalar (pieces of that length, the last one shorter) or 1-D (the lengths); without it the
// pieces have length 1 and, with keepdims=0, lose the axis (onnx Operators.md).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SplitToSequence final : public Op {
 public:
  explicit SplitToSequence(const NodeInfo& info) {
    axis_ = info.node().GetInt("axis", 0);
    keepdims_ = info.node().GetInt("keepdims", 1) != 0;
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
    const int64_t size = x->dim(axis);
    std::vector<Tensor> items;
    if (!ctx.has_input(1)) {
      for (int64_t i = 0; i < size; ++i)
        items.push_back(keepdims_ ? NarrowAxis(*x, axis, i, 1) : TakeAlongAxis(*x, axis, i));
      ctx.SetOutputSequence(0, x->dtype(), std::move(items));
      return Status::Ok();
    }
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> split, IntValues(ctx, 1));
    std::vector<int64_t> lengths;
    if (ctx.input(1)->rank() == 0) {
      if (split[0] <= 0) return ctx.Error("split must be positive, got " + std::to_string(split[0]));
      for (int64_t start = 0; start < size; start += split[0])
        lengths.push_back(std::min(split[0], size - start));
    } else {
      int64_t total = 0;
      for (int64_t len : split) {
        if (len < 0) return ctx.Error("split has a negative length " + std::to_string(len));
        total += len;
      }
      if (total != size)
        return ctx.Error("split lengths add up to " + std::to_string(total) + ", axis " +
                         std::to_string(axis) + " has " + std::to_string(size));
      lengths = split;
    }
    int64_t start = 0;
    for (int64_t len : lengths) {
      items.push_back(NarrowAxis(*x, axis, start, len));
      start += len;
    }
    ctx.SetOutputSequence(0, x->dtype(), std::move(items));
    return Status::Ok();
  }

 private:
  int64_t axis_ = 0;
  bool keepdims_ = true;
};

}  // namespace

void RegisterSplitToSequence(OpSet& s) { s.Add<SplitToSequence>("SplitToSequence", 11); }

}  // namespace ferry::onnx::ops
