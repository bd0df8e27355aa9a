// ONNX Identity (1, 13, 14, 16) and Dropout (inference: identity; 1, 6, 7, 10, 12, 13) -> no
// TF node: the output is the input's TF value. Dropout's mask output is all true in
// inference (ONNX Dropout-12/13: "mask ... all ones when training_mode is false"):
// Fill(Shape(x), true). training_mode true, or unknown at convert time, is an error.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class IdentityToTf final : public OpConverter {
 public:
  IdentityToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override {
    if (op_type() == "Dropout") return {"ratio", "seed", "is_test"};
    return {};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0) = ctx.in(0);
    if (op_type() == "Dropout" && n.num_outputs() > 1 && n.output(1)) {
      ctx.out(1).dtype = DataType::kBool;
      ctx.out(1).dims = ctx.in(0).dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (op_type() == "Dropout") {
      if (n.input(2)) {
        const Tensor* t = b.ConstInput(2);
        if (!t || t->GetAsInt64(0) != 0)
          return b.Error("input 2 (training_mode) must be a constant false to convert");
      }
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, x);
    if (op_type() == "Dropout" && n.num_outputs() > 1 && n.output(1)) {
      const DataType i32 = DataType::kInt32;
      ir::Value* shape = b.Emit("Shape", {x},
                                {{"T", TypeAttr(b.in_facts(0).dtype)}, {"out_type", TypeAttr(i32)}},
                                i32, n.name() + "/mask_shape")
                             ->output(0);
      b.SetOutput(1, b.Emit("Fill", {shape, b.Const(Tensor::Scalar<bool>(true), n.name() + "/true")},
                            {{"T", TypeAttr(DataType::kBool)}, {"index_type", TypeAttr(i32)}},
                            DataType::kBool, b.OutName(1))
                         ->output(0));
    }
    return Status::Ok();
  }
};

}  // namespace

void RegisterIdentity(ConverterTable& t) {
  t.Add(std::make_unique<IdentityToTf>("Identity", 1));
  t.Add(std::make_unique<IdentityToTf>("Dropout", 1));
}

}  // namespace ferry::convert::onnx_to_tf::ops
