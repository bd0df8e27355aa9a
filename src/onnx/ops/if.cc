// ONNX If (1, 11, 13, 16): runs then_branch or else_branch and returns that branch's outputs.
// From 13 on the outputs may be sequences, from 16 on optionals (onnx Operators.md, If); the
// branches may give outputs of different shapes (If-11 on), so nothing is checked but the
// count.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class If final : public Op {
 public:
  explicit If(const NodeInfo& info) {
    auto then_branch = GraphAttr(info, "then_branch");
    auto else_branch = GraphAttr(info, "else_branch");
    if (!then_branch.ok()) {
      init_status_ = then_branch.status();
    } else if (!else_branch.ok()) {
      init_status_ = else_branch.status();
    } else {
      then_ = *then_branch;
      else_ = *else_branch;
      for (const ir::Graph* g : {then_, else_}) {
        if (static_cast<int>(g->outputs().size()) != info.num_outputs())
          init_status_ = info.Error("branch '" + g->name() + "' has " +
                                    std::to_string(g->outputs().size()) + " outputs, the node " +
                                    std::to_string(info.num_outputs()));
      }
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* cond, RequiredInput(ctx, 0));
    if (cond->NumElements() != 1 || cond->dtype() == DataType::kString)
      return ctx.Error("cond must hold one boolean, got " + cond->DebugString());
    const bool take_then = cond->GetAsDouble(0) != 0.0;
    FERRY_ASSIGN_OR_RETURN(std::vector<Value> outs,
                           ctx.RunSubgraph(take_then ? *then_ : *else_, {}));
    for (size_t i = 0; i < outs.size(); ++i) ctx.SetOutputValue(static_cast<int>(i), outs[i]);
    return Status::Ok();
  }

 private:
  const ir::Graph* then_ = nullptr;
  const ir::Graph* else_ = nullptr;
};

}  // namespace

void RegisterIf(OpSet& s) {
  for (int v : {1, 11, 13, 16}) s.Add<If>("If", v);
}

}  // namespace ferry::onnx::ops
