// ONNX Relu, Sigmoid, Tanh, Exp, Neg, Sqrt, Abs, Log, Cos, Sin, Tan, Floor, Ceil, Round,
// Reciprocal, Sign, Erf, Softplus, Softsign, Asin, Acos, Atan, Sinh, Cosh, Asinh, Acosh, Atanh
// (6, 7, 9, 13, 14) -> the TF ops of the same names;
// layout-agnostic (Softsign, which TF.js lacks, as x / (1 + |x|)); the opset-1 forms (Softplus, Softsign) convert the same way. ONNX Round and TF Round both round half to even.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class UnaryToTf final : public OpConverter {
 public:
  UnaryToTf(const std::string& onnx, std::string tf)
      : OpConverter(onnx, 1), tf_op_(std::move(tf)) {}
  Layout layout() const override { return Layout::kAgnostic; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    const bool integer_ok = tf_op_ == "Neg" || tf_op_ == "Abs" || tf_op_ == "Sign";
    if (t != DataType::kFloat32 && t != DataType::kFloat64 && !(integer_ok && (t == DataType::kInt32 || t == DataType::kInt64)))
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert to TF " + tf_op_);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    if (tf_op_ == "Softsign") {
      // TF.js 4.22 has no Softsign op: x / (1 + |x|) from Abs, AddV2, RealDiv.
      const Attrs ta = {{"T", TypeAttr(t)}};
      ir::Value* one = b.Const(t == DataType::kFloat64 ? Tensor::Scalar<double>(1.0)
                                                       : Tensor::Scalar<float>(1.f),
                               n.name() + "/one");
      ir::Value* den = b.Emit("AddV2", {b.Emit("Abs", {x}, ta, t, n.name() + "/abs")->output(0), one},
                              ta, t, n.name() + "/denominator")
                           ->output(0);
      b.SetOutput(0, b.Emit("RealDiv", {x, den}, ta, t, b.OutName(0))->output(0));
      return Status::Ok();
    }
    b.SetOutput(0, b.Emit(tf_op_, {x}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))->output(0));
    return Status::Ok();
  }

 private:
  std::string tf_op_;
};

}  // namespace

void RegisterElementwiseUnary(ConverterTable& t) {
  t.Add(std::make_unique<UnaryToTf>("Relu", "Relu"));
  t.Add(std::make_unique<UnaryToTf>("Sigmoid", "Sigmoid"));
  t.Add(std::make_unique<UnaryToTf>("Tanh", "Tanh"));
  t.Add(std::make_unique<UnaryToTf>("Exp", "Exp"));
  t.Add(std::make_unique<UnaryToTf>("Neg", "Neg"));
  t.Add(std::make_unique<UnaryToTf>("Sqrt", "Sqrt"));
  t.Add(std::make_unique<UnaryToTf>("Abs", "Abs"));
  t.Add(std::make_unique<UnaryToTf>("Log", "Log"));
  t.Add(std::make_unique<UnaryToTf>("Cos", "Cos"));
  t.Add(std::make_unique<UnaryToTf>("Sin", "Sin"));
  t.Add(std::make_unique<UnaryToTf>("Tan", "Tan"));
  t.Add(std::make_unique<UnaryToTf>("Floor", "Floor"));
  t.Add(std::make_unique<UnaryToTf>("Ceil", "Ceil"));
  t.Add(std::make_unique<UnaryToTf>("Round", "Round"));
  t.Add(std::make_unique<UnaryToTf>("Reciprocal", "Reciprocal"));
  t.Add(std::make_unique<UnaryToTf>("Sign", "Sign"));
  t.Add(std::make_unique<UnaryToTf>("Erf", "Erf"));
  t.Add(std::make_unique<UnaryToTf>("Softplus", "Softplus"));
  t.Add(std::make_unique<UnaryToTf>("Softsign", "Softsign"));
  t.Add(std::make_unique<UnaryToTf>("Asin", "Asin"));
  t.Add(std::make_unique<UnaryToTf>("Acos", "Acos"));
  t.Add(std::make_unique<UnaryToTf>("Atan", "Atan"));
  t.Add(std::make_unique<UnaryToTf>("Sinh", "Sinh"));
  t.Add(std::make_unique<UnaryToTf>("Cosh", "Cosh"));
  t.Add(std::make_unique<UnaryToTf>("Asinh", "Asinh"));
  t.Add(std::make_unique<UnaryToTf>("Acosh", "Acosh"));
  t.Add(std::make_unique<UnaryToTf>("Atanh", "Atanh"));
}

}  // namespace ferry::convert::onnx_to_tf::ops
