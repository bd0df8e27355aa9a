// ONNX ConcatFromSequence (11): the sequence's tensors joined along `axis`, or stacked along a
// new axis when new_axis=1 (then axis may also be rank, i.e. a new last axis; onnx
// Operators.md).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ConcatFromSequence final : public Op {
 public:
  explicit ConcatFromSequence(const NodeInfo& info) {
    if (!info.node().has_attr("axis")) init_status_ = info.Error("attribute axis is required");
    axis_ = info.node().GetInt("axis", 0);
    new_axis_ = info.node().GetInt("new_axis", 0) != 0;
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Value* seq, SequenceInput(ctx, 0));
    if (seq->items().empty()) return ctx.Error("the sequence is empty");
    const int rank = seq->items().front().rank() + (new_axis_ ? 1 : 0);
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, rank, ctx.node().Describe()));
    FERRY_ASSIGN_OR_RETURN(Tensor y,
                           JoinTensors(seq->items(), axis, new_axis_, ctx.node().Describe()));
    ctx.SetOutput(0, std::move(y));
    return Status::Ok();
  }

 private:
  int64_t axis_ = 0;
  bool new_axis_ = false;
};

}  // namespace

void RegisterConcatFromSequence(OpSet& s) {
  s.Add<ConcatFromSequence>("ConcatFromSequence", 11);
}

}  // namespace ferry::onnx::ops
