// ONNX SequenceAt (11): element `position` of the sequence; position in [-n, n-1].
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SequenceAt final : public Op {
 public:
  explicit SequenceAt(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Value* seq, SequenceInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> p, IntValues(ctx, 1));
    if (p.size() != 1) return ctx.Error("position must be a scalar");
    const int64_t n = static_cast<int64_t>(seq->items().size());
    const int64_t pos = p[0] < 0 ? p[0] + n : p[0];
    if (pos < 0 || pos >= n)
      return ctx.Error("position " + std::to_string(p[0]) + " is out of range for a sequence of " +
                       std::to_string(n));
    ctx.SetOutput(0, seq->items()[pos]);
    return Status::Ok();
  }
};

}  // namespace

void RegisterSequenceAt(OpSet& s) { s.Add<SequenceAt>("SequenceAt", 11); }

}  // namespace ferry::onnx::ops
