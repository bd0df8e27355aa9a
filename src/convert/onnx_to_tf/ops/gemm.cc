// ONNX Gemm (7, 11: C optional) -> TF MatMul (transpose_a/b) + BiasAdd or AddV2.
// alpha and beta fold into constant B and C; with a non-constant operand they become Muls.
// A flattened from NHWC (kFlatNhwc, see passes/to_nhwc.h) gets B's rows permuted instead
// of a Transpose.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GemmToTf final : public OpConverter {
 public:
  explicit GemmToTf(int since) : OpConverter("Gemm", since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    return {"alpha", "beta", "transA", "transB", "broadcast"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    InferMatMul2D(ctx.in(0), ctx.in(1), n.GetInt("transA", 0), n.GetInt("transB", 0), &ctx.out(0));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const bool ta = n.GetInt("transA", 0) != 0, tb = n.GetInt("transB", 0) != 0;
    const float alpha = n.GetFloat("alpha", 1.f), beta = n.GetFloat("beta", 1.f);
    if (b.in_facts(0).dtype != DataType::kFloat32)
      return b.Error("only float32 Gemm converts to TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * a, b.Input(0));
    ir::Value* wb = nullptr;
    if (const Tensor* w = b.ConstInput(1)) {
      Tensor t = *w;  // shares the buffer: a new one only to permute or scale
      if (b.InputLayout(0) == ValueLayout::kFlatNhwc) {
        FERRY_ASSIGN_OR_RETURN(t, PermuteFlatRows(*w, tb, b.FlatChw(0)));
      }
      if (alpha != 1.f) {
        if (t.raw_data() == w->raw_data()) t = w->Clone();
        for (int64_t i = 0; i < t.NumElements(); ++i) t.data<float>()[i] *= alpha;
      }
      wb = b.Const(t, n.input(1)->name());
    } else {
      FERRY_ASSIGN_OR_RETURN(wb, b.Input(1));
    }
    const bool has_c = n.input(2) != nullptr;
    ir::Value* y =
        b.Emit("MatMul", {a, wb},
               {{"T", TypeAttr(DataType::kFloat32)},
                {"transpose_a", ir::Attribute::Bool(ta)},
                {"transpose_b", ir::Attribute::Bool(tb)}},
               DataType::kFloat32, has_c || (alpha != 1.f && !b.ConstInput(1)) ? "" : b.OutName(0))
            ->output(0);
    if (alpha != 1.f && !b.ConstInput(1)) {
      y = b.Emit("Mul", {y, b.Const(Tensor::Scalar<float>(alpha), n.name() + "/alpha")},
                 {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32,
                 has_c ? "" : b.OutName(0))
              ->output(0);
    }
    if (has_c) {
      const Tensor* c = b.ConstInput(2);
      if (c) {
        Tensor ct = *c;
        if (beta != 1.f) {
          ct = c->Clone();
          for (int64_t i = 0; i < ct.NumElements(); ++i) ct.data<float>()[i] *= beta;
        }
        // A bias row ([N] or [1, N]) is TF's BiasAdd; any other broadcast is AddV2.
        const ValueFacts& of = b.out_facts(0);
        const bool row = of.rank() == 2 && (*of.dims)[1].known() &&
                         ct.NumElements() == (*of.dims)[1].value &&
                         (ct.rank() == 1 || (ct.rank() == 2 && ct.dim(0) == 1));
        if (row) {
          FERRY_ASSIGN_OR_RETURN(ct, ct.Reshaped(Shape{ct.NumElements()}));
          y = b.Emit("BiasAdd", {y, b.Const(ct, n.input(2)->name())},
                     {{"T", TypeAttr(DataType::kFloat32)},
                      {"data_format", ir::Attribute::String("NHWC")}},
                     DataType::kFloat32, b.OutName(0))
                  ->output(0);
        } else {
          y = b.Emit("AddV2", {y, b.Const(ct, n.input(2)->name())},
                     {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32, b.OutName(0))
                  ->output(0);
        }
      } else {
        FERRY_ASSIGN_OR_RETURN(ir::Value * cv, b.Input(2));
        if (beta != 1.f)
          cv = b.Emit("Mul", {cv, b.Const(Tensor::Scalar<float>(beta), n.name() + "/beta")},
                      {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32)
                   ->output(0);
        y = b.Emit("AddV2", {y, cv}, {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32,
                   b.OutName(0))
                ->output(0);
      }
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }
};

}  // namespace

void RegisterGemm(ConverterTable& t) {
  // Gemm-7 dropped 'broadcast' (C broadcasts unidirectionally); Gemm-11 made C optional.
  // Both lower the same way.
  t.Add(std::make_unique<GemmToTf>(6));  // broadcast = 1 is NumPy's rule for C
  t.Add(std::make_unique<GemmToTf>(7));
  t.Add(std::make_unique<GemmToTf>(11));
}

}  // namespace ferry::convert::onnx_to_tf::ops
