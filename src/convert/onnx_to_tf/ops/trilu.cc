// ONNX Trilu (14) -> TF SelectV2(mask, x, 0) with the [N, M] triangle mask built at convert
// time (TF's MatrixBandPart keeps a band around the diagonal and cannot express k beyond
// it). upper = 1 keeps j - i >= k, upper = 0 keeps j - i <= k. The last two dims must be
// known at convert time; a k computed at run time compares a constant j - i grid with it
// (GreaterEqual / LessEqual) instead.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class TriluToTf final : public OpConverter {
 public:
  TriluToTf() : OpConverter("Trilu", 14) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"upper"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    const int r = x.rank();
    if (r < 2) return b.Error("input must have rank >= 2");
    const std::vector<int64_t> dims = x.StaticDims();
    const int64_t rows = dims[r - 2], cols = dims[r - 1];
    if (rows < 0 || cols < 0) return b.Error("the last two dims must be known at convert time");
    int64_t k = 0;
    const bool upper = n.GetInt("upper", 1) != 0;
    const bool has_k = n.num_inputs() > 1 && n.input(1);
    const Tensor* kt = has_k ? b.ConstInput(1) : nullptr;
    if (kt) k = kt->GetAsInt64(0);
    ir::Value* mask_v = nullptr;
    if (has_k && !kt) {
      Tensor diff(DataType::kInt32, Shape({rows, cols}));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) diff.data<int32_t>()[i * cols + j] = j - i;
      FERRY_ASSIGN_OR_RETURN(ir::Value * kv, b.Input(1));
      mask_v = b.Emit(upper ? "GreaterEqual" : "LessEqual",
                      {b.Const(diff, n.name() + "/diagonal_offset"), kv},
                      {{"T", ir::Attribute::Type(DataType::kInt32)}}, DataType::kBool,
                      n.name() + "/mask")
                   ->output(0);
    } else {
      Tensor mask(DataType::kBool, Shape({rows, cols}));
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j)
          mask.data<bool>()[i * cols + j] = upper ? j - i >= k : j - i <= k;
      mask_v = b.Const(mask, n.name() + "/mask");
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(0));
    Tensor zero = Tensor::Zeros(x.dtype, Shape{});
    b.SetOutput(0, b.Emit("SelectV2", {mask_v, v, b.Const(zero, n.name() + "/zero")},
                          {{"T", TypeAttr(x.dtype)}}, TfDType(x.dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterTrilu(ConverterTable& t) { t.Add(std::make_unique<TriluToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
