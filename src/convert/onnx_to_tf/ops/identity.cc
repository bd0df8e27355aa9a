// ONNX Identity (1, 13, 14, 16) and Dropout (inference: identity; 1, 6, 7, 10, 12, 13) -> no
// TF node: the output is the input's TF value. Dropout's mask output, or training_mode
// true, has no inference meaning: an error.
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
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (op_type() == "Dropout") {
      if (n.num_outputs() > 1 && n.output(1) && !n.output(1)->users().empty())
        return b.Error("output 1 (mask) has no inference meaning");
      if (n.input(2)) {
        const Tensor* t = b.ConstInput(2);
        if (!t || t->GetAsInt64(0) != 0)
          return b.Error("input 2 (training_mode) must be a constant false to convert");
      }
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, x);
    return Status::Ok();
  }
};

}  // namespace

void RegisterIdentity(ConverterTable& t) {
  t.Add(std::make_unique<IdentityToTf>("Identity", 1));
  t.Add(std::make_unique<IdentityToTf>("Dropout", 1));
}

}  // namespace ferry::convert::onnx_to_tf::ops
