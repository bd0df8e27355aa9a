// ONNX Max, Min, Sum, Mean (6, 8, 12, 13; N inputs, NumPy broadcasting since 8) -> chains of
// TF Maximum, Minimum, AddV2 (TF's AddN does not broadcast); Mean divides the sum by N.
// One input is an Identity. Layout-agnostic.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class VariadicToTf final : public OpConverter {
 public:
  VariadicToTf(const std::string& onnx, std::string tf)
      : OpConverter(onnx, 6), tf_op_(std::move(tf)) {}
  Layout layout() const override { return Layout::kAgnostic; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts acc = ctx.in(0);
    for (int i = 1; i < n.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(auto dims, BroadcastDims(acc, ctx.in(i), ctx));
      acc.dims = dims;
    }
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = acc.dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    const bool mean = n.op_type() == "Mean";
    if (mean && !IsFloating(t)) return b.Error("integer Mean does not convert to TF");
    const Attrs attrs = {{"T", TypeAttr(t)}};
    FERRY_ASSIGN_OR_RETURN(ir::Value * acc, b.Input(0));
    const int count = n.num_inputs();
    for (int i = 1; i < count; ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(i));
      const bool last = i == count - 1 && !mean;
      acc = b.Emit(tf_op_, {acc, v}, attrs, TfDType(t),
                   last ? b.OutName(0) : n.name() + "/" + std::to_string(i))
                ->output(0);
    }
    if (mean) {
      Tensor inv = t == DataType::kFloat64 ? Tensor::Scalar<double>(1.0 / count)
                                           : Tensor::Scalar<float>(1.f / count);
      acc = b.Emit("Mul", {acc, b.Const(inv, n.name() + "/inv_count")}, attrs, t, b.OutName(0))
                ->output(0);
    } else if (count == 1) {
      acc = b.Emit("Identity", {acc}, attrs, TfDType(t), b.OutName(0))->output(0);
    }
    b.SetOutput(0, acc);
    return Status::Ok();
  }

 private:
  std::string tf_op_;
};

}  // namespace

void RegisterVariadic(ConverterTable& t) {
  t.Add(std::make_unique<VariadicToTf>("Max", "Maximum"));
  t.Add(std::make_unique<VariadicToTf>("Min", "Minimum"));
  t.Add(std::make_unique<VariadicToTf>("Sum", "AddV2"));
  t.Add(std::make_unique<VariadicToTf>("Mean", "AddV2"));
}

}  // namespace ferry::convert::onnx_to_tf::ops
