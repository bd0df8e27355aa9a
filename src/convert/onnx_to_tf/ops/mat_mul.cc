// ONNX MatMul (1, 13) -> TF MatMul for 2-D operands. Batched (rank > 2) MatMul would be
// BatchMatMulV2, which ferry's TF op set does not run yet: an error, not a silent change.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class MatMulToTf final : public OpConverter {
 public:
  MatMulToTf() : OpConverter("MatMul", 1) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    InferMatMul2D(ctx.in(0), ctx.in(1), false, false, &ctx.out(0));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (b.in_facts(0).rank() != 2 || b.in_facts(1).rank() != 2)
      return b.Error("only 2-D MatMul converts to TF (inputs have ranks " +
                     std::to_string(b.in_facts(0).rank()) + " and " +
                     std::to_string(b.in_facts(1).rank()) + ")");
    FERRY_ASSIGN_OR_RETURN(ir::Value * a, b.Input(0));
    ir::Value* w = nullptr;
    if (b.InputLayout(0) == ValueLayout::kFlatNhwc) {
      FERRY_ASSIGN_OR_RETURN(Tensor t, PermuteFlatRows(*b.ConstInput(1), false, b.FlatChw(0)));
      w = b.Const(t, n.input(1)->name());
    } else {
      FERRY_ASSIGN_OR_RETURN(w, b.Input(1));
    }
    b.SetOutput(0, b.Emit("MatMul", {a, w},
                          {{"T", TypeAttr(b.in_facts(0).dtype)},
                           {"transpose_a", ir::Attribute::Bool(false)},
                           {"transpose_b", ir::Attribute::Bool(false)}},
                          b.in_facts(0).dtype, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMatMul(ConverterTable& t) { t.Add(std::make_unique<MatMulToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
