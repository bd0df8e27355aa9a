// ai.ferry:ElementwiseChain (1): the load-time optimizer's fusion of a chain of elementwise
// float ops (runtime/optimize/fuse_elementwise.cc). One input x; attributes `ops` (ONNX op
// names), `operands` (kernels::ChainStep::Kind per op) and `constants` (the scalar of each
// binary step with a constant). Output: x's shape, float.
#include <string>
#include <utility>
#include <vector>

#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"
#include "runtime/optimize/fused_attrs.h"

namespace ferry::onnx::ops {
namespace {

using kernels::ChainStep;

bool UnaryOf(const std::string& op, kernels::UnaryOp* u) {
  static const std::pair<const char*, kernels::UnaryOp> kOps[] = {
      {"Relu", kernels::UnaryOp::kRelu},   {"Sigmoid", kernels::UnaryOp::kSigmoid},
      {"Tanh", kernels::UnaryOp::kTanh},   {"Erf", kernels::UnaryOp::kErf},
      {"Sqrt", kernels::UnaryOp::kSqrt},   {"Exp", kernels::UnaryOp::kExp},
      {"Log", kernels::UnaryOp::kLog},     {"Neg", kernels::UnaryOp::kNeg},
      {"Abs", kernels::UnaryOp::kAbs},     {"Reciprocal", kernels::UnaryOp::kReciprocal},
      {"Floor", kernels::UnaryOp::kFloor}, {"Ceil", kernels::UnaryOp::kCeil}};
  for (const auto& [name, k] : kOps)
    if (op == name) {
      *u = k;
      return true;
    }
  return false;
}

bool BinaryOf(const std::string& op, kernels::BinaryOp* b) {
  if (op == "Add") *b = kernels::BinaryOp::kAdd;
  else if (op == "Sub") *b = kernels::BinaryOp::kSub;
  else if (op == "Mul") *b = kernels::BinaryOp::kMul;
  else if (op == "Div") *b = kernels::BinaryOp::kDiv;
  else return false;
  return true;
}

class ElementwiseChain final : public Op {
 public:
  explicit ElementwiseChain(const NodeInfo& info) {
    const ir::Node& n = info.node();
    const ir::Attribute* ops = n.attr("ops");
    const std::vector<int64_t> kinds = n.GetInts("operands");
    const std::vector<float> consts = n.GetFloats("constants");
    if (!ops || ops->kind() != ir::AttrKind::kStrings || ops->strings().size() != kinds.size() ||
        consts.size() != kinds.size()) {
      init_status_ = info.Error("attributes ops, operands and constants differ in length");
      return;
    }
    for (size_t i = 0; i < kinds.size(); ++i) {
      const std::string& op = ops->strings()[i];
      ChainStep s;
      s.c = consts[i];
      if (kinds[i] == 0 && UnaryOf(op, &s.unary.op)) {
        s.kind = ChainStep::Kind::kUnary;
      } else if (kinds[i] >= 1 && kinds[i] <= 4 && BinaryOf(op, &s.binary)) {
        s.kind = static_cast<ChainStep::Kind>(kinds[i]);
      } else {
        init_status_ = info.Error("step " + std::to_string(i) + ": cannot chain '" + op +
                                  "' with operand kind " + std::to_string(kinds[i]));
        return;
      }
      steps_.push_back(s);
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, x->shape()));
    kernels::ElementwiseChain(steps_, x->data<float>(), y->data<float>(), x->NumElements());
    return Status::Ok();
  }

 private:
  std::vector<ChainStep> steps_;
};

}  // namespace

void RegisterElementwiseChain(OpSet& s) {
  s.Add<ElementwiseChain>("ElementwiseChain", 1, runtime::optimize::kFerryDomain);
}

}  // namespace ferry::onnx::ops
