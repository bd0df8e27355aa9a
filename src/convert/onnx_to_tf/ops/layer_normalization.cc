// ONNX LayerNormalization (17) -> TF ops (TF has no layer-norm op; TF.js fuses none):
//   mean = Mean(x, axes, keep_dims), d = x - mean, var = Mean(Square(d), axes, keep_dims),
//   inv = Rsqrt(var + epsilon), y = d * inv * scale (+ bias),
// over axes [axis, rank), as the ONNX function body (biased variance). The optional outputs
// Mean and InvStdDev are `mean` and `inv`. stash_type other than 1 (float) is an error.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class LayerNormalizationToTf final : public OpConverter {
 public:
  LayerNormalizationToTf() : OpConverter("LayerNormalization", 17) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    return {"axis", "epsilon", "stash_type"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    ctx.out(0).dims = x.dims;
    if (x.rank() < 0) return Status::Ok();
    FERRY_ASSIGN_OR_RETURN(int64_t axis, Axis(n, x.rank()));
    std::vector<ir::Dim> stat = *x.dims;
    for (int64_t i = axis; i < x.rank(); ++i) stat[i] = ir::Dim::Known(1);
    for (int i = 1; i < n.num_outputs(); ++i) {
      if (!n.output(i)) continue;
      ctx.out(i).dtype = DataType::kFloat32;
      ctx.out(i).dims = stat;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (n.GetInt("stash_type", 1) != 1)
      return b.Unsupported("stash_type", "other than 1 (float) has no TF form here");
    const DataType t = b.in_facts(0).dtype;
    if (t != DataType::kFloat32) return b.Error("only float32 converts to TF");
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    FERRY_ASSIGN_OR_RETURN(int64_t axis, Axis(n, r));
    std::vector<int64_t> axes;
    for (int64_t i = axis; i < r; ++i) axes.push_back(i);
    const std::string& p = n.name();
    const Attrs ta = {{"T", TypeAttr(t)}};
    const Attrs mean_attrs = {{"T", TypeAttr(t)},
                              {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                              {"keep_dims", ir::Attribute::Bool(true)}};
    auto name_of = [&](int out, const std::string& fallback) {
      return n.num_outputs() > out && n.output(out) ? b.OutName(out) : p + "/" + fallback;
    };
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * scale, b.Input(1));
    ir::Value* axes_c = b.ConstInt32(axes, p + "/axes");
    ir::Value* mean = b.Emit("Mean", {x, axes_c}, mean_attrs, t, name_of(1, "mean"))->output(0);
    ir::Value* d = b.Emit("Sub", {x, mean}, ta, t, p + "/centered")->output(0);
    ir::Value* sq = b.Emit("Square", {d}, ta, t, p + "/squared")->output(0);
    ir::Value* var = b.Emit("Mean", {sq, axes_c}, mean_attrs, t, p + "/variance")->output(0);
    ir::Value* eps = b.Const(Tensor::Scalar<float>(n.GetFloat("epsilon", 1e-5f)), p + "/epsilon");
    ir::Value* inv = b.Emit("Rsqrt", {b.Emit("AddV2", {var, eps}, ta, t, p + "/var_eps")->output(0)},
                            ta, t, name_of(2, "inv_std"))
                         ->output(0);
    ir::Value* norm = b.Emit("Mul", {d, inv}, ta, t, p + "/normalized")->output(0);
    const bool has_bias = n.num_inputs() > 2 && n.input(2);
    ir::Value* y = b.Emit("Mul", {norm, scale}, ta, t, has_bias ? p + "/scaled" : b.OutName(0))
                       ->output(0);
    if (has_bias) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * bias, b.Input(2));
      y = b.Emit("AddV2", {y, bias}, ta, t, b.OutName(0))->output(0);
    }
    b.SetOutput(0, y);
    if (n.num_outputs() > 1 && n.output(1)) b.SetOutput(1, mean);
    if (n.num_outputs() > 2 && n.output(2)) b.SetOutput(2, inv);
    return Status::Ok();
  }

 private:
  static StatusOr<int64_t> Axis(const ir::Node& n, int r) {
    int64_t axis = n.GetInt("axis", -1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r)
      return InvalidArgument(n.Describe() + ": attribute 'axis' is out of range for rank " +
                             std::to_string(r));
    return axis;
  }
};

}  // namespace

void RegisterLayerNormalization(ConverterTable& t) {
  t.Add(std::make_unique<LayerNormalizationToTf>());
}

}  // namespace ferry::convert::onnx_to_tf::ops
