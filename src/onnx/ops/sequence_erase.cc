// ONNX SequenceErase (11): the sequence without element `position` (default: the last one);
// position in [-n, n-1].
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SequenceErase final : public Op {
 public:
  explicit SequenceErase(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Value* seq, SequenceInput(ctx, 0));
    std::vector<Tensor> items = seq->items();
    const int64_t n = static_cast<int64_t>(items.size());
    int64_t pos = n - 1;
    if (ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> p, IntValues(ctx, 1));
      if (p.size() != 1) return ctx.Error("position must be a scalar");
      pos = p[0] < 0 ? p[0] + n : p[0];
    }
    if (pos < 0 || pos >= n)
      return ctx.Error("position " + std::to_string(pos) + " is out of range for a sequence of " +
                       std::to_string(n));
    items.erase(items.begin() + pos);
    ctx.SetOutputSequence(0, seq->elem_dtype(), std::move(items));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSequenceErase(OpSet& s) { s.Add<SequenceErase>("SequenceErase", 11); }

}  // namespace ferry::onnx::ops
