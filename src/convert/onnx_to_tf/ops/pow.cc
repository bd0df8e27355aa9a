// ONNX Pow (1, 7, 12, 13, 15; NumPy broadcasting) -> TF Pow. TF's Pow takes one type T for
// both inputs; ONNX-12 allows an exponent of another type, which is cast to the base's type
// first (the ONNX reference computes in the base type too). Layout-agnostic.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class PowToTf final : public OpConverter {
 public:
  // Pow-1 broadcasts only with broadcast = 1, NumPy-like on trailing axes: converted when no
  // axis attribute shifts B (the opset-6 binary rule, see elementwise_binary.cc).
  PowToTf() : OpConverter("Pow", 1) {}
  std::vector<std::string> attributes() const override { return {"broadcast"}; }
  Layout layout() const override { return Layout::kAgnostic; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(ctx.in(0), ctx.in(1), ctx));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    const DataType te = b.in_facts(1).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(1));
    if (TfDType(te) != TfDType(t)) {
      y = b.Emit("Cast", {y},
                 {{"SrcT", TypeAttr(te)},
                  {"DstT", TypeAttr(t)},
                  {"Truncate", ir::Attribute::Bool(false)}},
                 TfDType(t), n.name() + "/exponent_cast")
              ->output(0);
    }
    b.SetOutput(0, b.Emit("Pow", {x, y}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterPow(ConverterTable& t) { t.Add(std::make_unique<PowToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
