// ONNX GlobalAveragePool (1) -> TF Mean over H and W with keep_dims (NHWC axes 1, 2).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GlobalAveragePoolToTf final : public OpConverter {
 public:
  GlobalAveragePoolToTf() : OpConverter("GlobalAveragePool", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() == 4)
      ctx.out(0).dims =
          std::vector<ir::Dim>{(*x.dims)[0], (*x.dims)[1], ir::Dim::Known(1), ir::Dim::Known(1)};
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (b.in_facts(0).rank() != 4)
      return b.Error("input 0 has rank " + std::to_string(b.in_facts(0).rank()) +
                     ": only rank 4 converts to TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* axes = b.ConstInt32({1, 2}, n.name() + "/axes");
    b.SetOutput(0, b.Emit("Mean", {x, axes},
                          {{"T", TypeAttr(DataType::kFloat32)},
                           {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                           {"keep_dims", ir::Attribute::Bool(true)}},
                          DataType::kFloat32, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterGlobalAveragePool(ConverterTable& t) {
  t.Add(std::make_unique<GlobalAveragePoolToTf>());
}

}  // namespace ferry::convert::onnx_to_tf::ops
