// ONNX comparisons with numpy broadcasting, bool output: Equal (7, 11, 13),
// Less (7, 9, 13), Greater (7, 9, 13), LessOrEqual and GreaterOrEqual (12, 16), and the
// logical And, Or, Xor (7, bool inputs). Equal also takes bool inputs (Equal-11).
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <kernels::CompareOp K>
class Compare final : public Op {
 public:
  explicit Compare(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    auto shape = kernels::BroadcastShapes(a->shape().dims(), b->shape().dims());
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kBool, Shape(*shape)));
    auto run = [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Compare<T>(K, a->data<T>(), a->shape().dims(), b->data<T>(), b->shape().dims(),
                          y->data<bool>());
      return Status::Ok();
    };
    return Dispatch<Types::kAll>(ctx, a->dtype(), run);
  }
};

}  // namespace

void RegisterEqual(OpSet& s) {
  for (int v : {7, 11, 13}) s.Add<Compare<kernels::CompareOp::kEqual>>("Equal", v);
}
void RegisterLess(OpSet& s) {
  for (int v : {7, 9, 13}) s.Add<Compare<kernels::CompareOp::kLess>>("Less", v);
}
void RegisterGreater(OpSet& s) {
  for (int v : {7, 9, 13}) s.Add<Compare<kernels::CompareOp::kGreater>>("Greater", v);
}

void RegisterLessOrEqual(OpSet& s) {
  for (int v : {12, 16}) s.Add<Compare<kernels::CompareOp::kLessOrEqual>>("LessOrEqual", v);
}
void RegisterGreaterOrEqual(OpSet& s) {
  for (int v : {12, 16}) s.Add<Compare<kernels::CompareOp::kGreaterOrEqual>>("GreaterOrEqual", v);
}
void RegisterAnd(OpSet& s) { s.Add<Compare<kernels::CompareOp::kAnd>>("And", 7); }
void RegisterOr(OpSet& s) { s.Add<Compare<kernels::CompareOp::kOr>>("Or", 7); }
void RegisterXor(OpSet& s) { s.Add<Compare<kernels::CompareOp::kXor>>("Xor", 7); }

}  // namespace ferry::onnx::ops
