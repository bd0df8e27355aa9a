// ONNX MatMul (1, 13) -> TF MatMul for 2-D operands; batched (either rank > 2, both >= 2)
// -> TF BatchMatMulV2, whose batch dims broadcast as ONNX's do. 1-D operands are an error.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class MatMulToTf final : public OpConverter {
 public:
  MatMulToTf() : OpConverter("MatMul", 1) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts &a = ctx.in(0), &w = ctx.in(1);
    if (a.rank() >= 2 && w.rank() >= 2 && (a.rank() > 2 || w.rank() > 2)) {
      // Batched: broadcast batch dims, then [M, N].
      ValueFacts ba, bw;
      ba.dims = std::vector<ir::Dim>(a.dims->begin(), a.dims->end() - 2);
      bw.dims = std::vector<ir::Dim>(w.dims->begin(), w.dims->end() - 2);
      FERRY_ASSIGN_OR_RETURN(auto batch, BroadcastDims(ba, bw, ctx));
      ctx.out(0).dtype = a.dtype;
      if (batch) {
        batch->push_back((*a.dims)[a.rank() - 2]);
        batch->push_back((*w.dims)[w.rank() - 1]);
        ctx.out(0).dims = batch;
      }
      return Status::Ok();
    }
    InferMatMul2D(ctx.in(0), ctx.in(1), false, false, &ctx.out(0));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int ra = b.in_facts(0).rank(), rw = b.in_facts(1).rank();
    if (ra >= 2 && rw >= 2 && (ra > 2 || rw > 2)) {
      // Batched matrix product with broadcast batch dims: TF BatchMatMulV2.
      if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
      FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
      FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(1));
      b.SetOutput(0, b.Emit("BatchMatMulV2", {x, y},
                            {{"T", TypeAttr(DataType::kFloat32)},
                             {"adj_x", ir::Attribute::Bool(false)},
                             {"adj_y", ir::Attribute::Bool(false)}},
                            DataType::kFloat32, b.OutName(0))
                         ->output(0));
      return Status::Ok();
    }
    if (ra != 2 || rw != 2)
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
