// ONNX GlobalMaxPool (1) -> TF Max over the spatial axes with keep_dims: NHWC axes 1, 2 for a
// 4-D input lowered NHWC, else axes 2.. of ONNX's layout (3-D and 5-D inputs).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GlobalMaxPoolToTf final : public OpConverter {
 public:
  GlobalMaxPoolToTf() : OpConverter("GlobalMaxPool", 1) {}
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
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    std::vector<int64_t> axes;
    for (int i = 2; i < r; ++i) axes.push_back(b.Axis(i, r));
    b.SetOutput(0, b.Emit("Max", {x, b.ConstInt32(axes, n.name() + "/axes")},
                          {{"T", TypeAttr(t)},
                           {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                           {"keep_dims", ir::Attribute::Bool(true)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterGlobalMaxPool(ConverterTable& t) { t.Add(std::make_unique<GlobalMaxPoolToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
