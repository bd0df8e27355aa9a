// ONNX Equal, Greater, Less, GreaterOrEqual, LessOrEqual (7, 11, 12, 13; NumPy broadcasting)
// -> TF Equal, Greater, Less, GreaterEqual, LessEqual with a bool output; And, Or (7) -> TF
// LogicalAnd, LogicalOr; Xor (7) -> TF NotEqual on bools; Not (1) -> TF LogicalNot.
// Layout-agnostic.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class CompareToTf final : public OpConverter {
 public:
  CompareToTf(const std::string& onnx, int since, std::string tf, int arity)
      : OpConverter(onnx, since), tf_op_(std::move(tf)), arity_(arity) {}
  Layout layout() const override { return Layout::kAgnostic; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = DataType::kBool;
    if (arity_ == 1) {
      ctx.out(0).dims = ctx.in(0).dims;
      return Status::Ok();
    }
    FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(ctx.in(0), ctx.in(1), ctx));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    std::vector<ir::Value*> ins;
    for (int i = 0; i < arity_; ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(i));
      ins.push_back(v);
    }
    Attrs attrs;
    // TF's logical ops have no type attribute (bool only); comparisons have T.
    if (tf_op_.rfind("Logical", 0) != 0) attrs.push_back({"T", TypeAttr(b.in_facts(0).dtype)});
    if (tf_op_ == "Equal" || tf_op_ == "NotEqual") attrs.push_back({"incompatible_shape_error", ir::Attribute::Bool(true)});
    b.SetOutput(0, b.Emit(tf_op_, ins, attrs, DataType::kBool, b.OutName(0))->output(0));
    return Status::Ok();
  }

 private:
  std::string tf_op_;
  int arity_;
};

}  // namespace

void RegisterCompare(ConverterTable& t) {
  t.Add(std::make_unique<CompareToTf>("Equal", 7, "Equal", 2));
  t.Add(std::make_unique<CompareToTf>("Greater", 7, "Greater", 2));
  t.Add(std::make_unique<CompareToTf>("Less", 7, "Less", 2));
  t.Add(std::make_unique<CompareToTf>("GreaterOrEqual", 12, "GreaterEqual", 2));
  t.Add(std::make_unique<CompareToTf>("LessOrEqual", 12, "LessEqual", 2));
  t.Add(std::make_unique<CompareToTf>("And", 7, "LogicalAnd", 2));
  t.Add(std::make_unique<CompareToTf>("Or", 7, "LogicalOr", 2));
  t.Add(std::make_unique<CompareToTf>("Xor", 7, "NotEqual", 2));
  t.Add(std::make_unique<CompareToTf>("Not", 1, "LogicalNot", 1));
}

}  // namespace ferry::convert::onnx_to_tf::ops
