// ONNX Constant (1, 9, 11, 12, 13) -> a TF Const. Its value is known at convert time, so the
// driver folds it (infer sets `constant`); Convert only runs if a caller bypasses folding.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ConstantToTf final : public OpConverter {
 public:
  ConstantToTf() : OpConverter("Constant", 1) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override {
    return {"value", "value_float", "value_floats", "value_int", "value_ints"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(Tensor t, Value(n));
    ctx.out(0) = FactsOfConstant(t);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    FERRY_ASSIGN_OR_RETURN(Tensor t, Value(n));
    b.SetOutput(0, b.Const(t, b.OutName(0)));
    return Status::Ok();
  }

 private:
  static StatusOr<Tensor> Value(const ir::Node& n) {
    if (const ir::Attribute* a = n.attr("value"); a && a->kind() == ir::AttrKind::kTensor)
      return a->t();
    if (const ir::Attribute* a = n.attr("value_float")) return Tensor::Scalar<float>(a->f());
    if (const ir::Attribute* a = n.attr("value_int")) return Tensor::Scalar<int64_t>(a->i());
    if (const ir::Attribute* a = n.attr("value_floats"))
      return Tensor::FromVector<float>(a->floats(),
                                       Shape{static_cast<int64_t>(a->floats().size())});
    if (const ir::Attribute* a = n.attr("value_ints"))
      return Tensor::FromVector<int64_t>(a->ints(), Shape{static_cast<int64_t>(a->ints().size())});
    return Unimplemented(n.Describe() + ": has no value attribute TF can hold");
  }
};

}  // namespace

void RegisterConstant(ConverterTable& t) { t.Add(std::make_unique<ConstantToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
