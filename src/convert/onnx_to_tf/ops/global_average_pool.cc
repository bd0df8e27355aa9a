// ONNX GlobalAveragePool (1) -> TF Mean over the spatial axes with keep_dims: NHWC axes 1, 2
// (NDHWC axes 1, 2, 3) for an input lowered channels-last, else axes 2.. of ONNX's layout.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GlobalAveragePoolToTf final : public OpConverter {
 public:
  GlobalAveragePoolToTf() : OpConverter("GlobalAveragePool", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() >= 3) {
      std::vector<ir::Dim> dims = *x.dims;
      for (int i = 2; i < x.rank(); ++i) dims[i] = ir::Dim::Known(1);
      ctx.out(0).dims = dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 3) return b.Error("input 0 has rank " + std::to_string(r) + ", expected >= 3");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    std::vector<int64_t> spatial;
    for (int i = 2; i < r; ++i) spatial.push_back(b.Axis(i, r));
    ir::Value* axes = b.ConstInt32(spatial, n.name() + "/axes");
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
