// ONNX SequenceInsert (11): the input sequence with `tensor` inserted before `position`
// (default: at the end); position may be negative, in [-n, n] (onnx Operators.md).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SequenceInsert final : public Op {
 public:
  explicit SequenceInsert(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Value* seq, SequenceInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, 1));
    if (seq->elem_dtype() != DataType::kUndefined && t->dtype() != seq->elem_dtype())
      return ctx.Error("tensor has dtype " + std::string(DataTypeName(t->dtype())) +
                       ", the sequence holds " + DataTypeName(seq->elem_dtype()));
    std::vector<Tensor> items = seq->items();
    const int64_t n = static_cast<int64_t>(items.size());
    int64_t pos = n;
    if (ctx.has_input(2)) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> p, IntValues(ctx, 2));
      if (p.size() != 1) return ctx.Error("position must be a scalar");
      pos = p[0] < 0 ? p[0] + n : p[0];
      if (pos < 0 || pos > n)
        return ctx.Error("position " + std::to_string(p[0]) + " is out of range for a sequence of " +
                         std::to_string(n));
    }
    items.insert(items.begin() + pos, *t);
    ctx.SetOutputSequence(0, t->dtype(), std::move(items));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSequenceInsert(OpSet& s) { s.Add<SequenceInsert>("SequenceInsert", 11); }

}  // namespace ferry::onnx::ops
