// ONNX InstanceNormalization (6)(x, scale, B) with epsilon -> per (sample, channel) mean and
// population variance over the spatial axes (TF Mean with keep_dims; NHWC axes 1, 2 when the
// node is lowered NHWC), then (x - mean) * Rsqrt(var + epsilon) * scale + B with scale and B
// reshaped to broadcast on the channel axis.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class InstanceNormalizationToTf final : public OpConverter {
 public:
  InstanceNormalizationToTf() : OpConverter("InstanceNormalization", 6) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override { return {"epsilon"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType f = DataType::kFloat32;
    if (b.in_facts(0).dtype != f) return b.Error("only float32 converts to TF");
    const int r = b.in_facts(0).rank();
    if (r < 3) return b.Error("input 0 must have rank >= 3");
    const bool channel_last = b.channels_last(r);
    const std::string& p = n.name();
    std::vector<int64_t> axes, cshape = {-1};
    for (int i = 2; i < r; ++i) axes.push_back(b.Axis(i, r));
    if (!channel_last) cshape.resize(r - 1, 1);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    auto reduce_mean = [&](ir::Value* v, const std::string& name) {
      return b.Emit("Mean", {v, b.ConstInt32(axes, name + "/axes")},
                    {{"T", TypeAttr(f)},
                     {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                     {"keep_dims", ir::Attribute::Bool(true)}},
                    f, name)
          ->output(0);
    };
    ir::Value* mean = reduce_mean(x, p + "/mean");
    ir::Value* centered = EmitT(b, "Sub", {x, mean}, f, p + "/centered");
    ir::Value* var = reduce_mean(EmitT(b, "Square", {centered}, f, p + "/square"), p + "/var");
    ir::Value* inv = EmitT(
        b, "Rsqrt",
        {EmitT(b, "AddV2",
               {var, b.Const(Tensor::Scalar<float>(n.GetFloat("epsilon", 1e-5f)), p + "/eps")}, f,
               p + "/var_eps")},
        f, p + "/inv_std");
    FERRY_ASSIGN_OR_RETURN(ir::Value * scale, b.ValueIn(n.input(1), ValueLayout::kPlain));
    FERRY_ASSIGN_OR_RETURN(ir::Value * bias, b.ValueIn(n.input(2), ValueLayout::kPlain));
    scale = EmitReshape(b, scale, f, cshape, p + "/scale");
    bias = EmitReshape(b, bias, f, cshape, p + "/bias");
    ir::Value* y = EmitT(b, "Mul", {centered, EmitT(b, "Mul", {inv, scale}, f, p + "/factor")}, f,
                         p + "/scaled");
    b.SetOutput(0, EmitT(b, "AddV2", {y, bias}, f, b.OutName(0)));
    return Status::Ok();
  }
};

}  // namespace

void RegisterInstanceNormalization(ConverterTable& t) {
  t.Add(std::make_unique<InstanceNormalizationToTf>());
}

}  // namespace ferry::convert::onnx_to_tf::ops
