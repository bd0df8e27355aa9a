// ONNX SequenceLength (11): the number of elements of a sequence, as an int64 scalar.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SequenceLength final : public Op {
 public:
  explicit SequenceLength(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Value* seq, SequenceInput(ctx, 0));
    ctx.SetOutput(0, Tensor::Scalar<int64_t>(static_cast<int64_t>(seq->items().size())));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSequenceLength(OpSet& s) { s.Add<SequenceLength>("SequenceLength", 11); }

}  // namespace ferry::onnx::ops
