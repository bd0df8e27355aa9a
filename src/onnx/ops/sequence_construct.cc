// ONNX SequenceConstruct (11): a sequence of the input tensors, which share one dtype.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class SequenceConstruct final : public Op {
 public:
  explicit SequenceConstruct(const NodeInfo& info) {
    if (info.num_inputs() < 1) init_status_ = info.Error("needs at least one input");
  }

  Status Run(OpContext& ctx) const override {
    std::vector<Tensor> items;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, i));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, i));
      items.push_back(*t);
    }
    const DataType dtype = items.front().dtype();
    ctx.SetOutputSequence(0, dtype, std::move(items));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSequenceConstruct(OpSet& s) { s.Add<SequenceConstruct>("SequenceConstruct", 11); }

}  // namespace ferry::onnx::ops
