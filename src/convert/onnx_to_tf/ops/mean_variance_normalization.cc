// ONNX MeanVarianceNormalization (9, 13) -> TF ops: mean = Mean(x, axes, keep_dims),
// d = x - mean, std = Sqrt(Mean(Square(d), axes, keep_dims)), y = d / (std + 1e-9), over
// `axes` (default [0, 2, 3]); the epsilon is added to the standard deviation as in the op's
// function body (onnx/defs/nn/defs.cc) and ferry's runtime (population variance).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class MeanVarianceNormalizationToTf final : public OpConverter {
 public:
  explicit MeanVarianceNormalizationToTf(int since)
      : OpConverter("MeanVarianceNormalization", since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axes"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    if (t != DataType::kFloat32) return b.Error("only float32 converts to TF");
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    std::vector<int64_t> axes;
    for (int64_t a : n.GetInts("axes", {0, 2, 3})) {
      if (a < -r || a >= r)
        return b.Error("attribute 'axes' entry " + std::to_string(a) + " is out of range for rank " +
                       std::to_string(r));
      axes.push_back(a < 0 ? a + r : a);
    }
    const std::string& p = n.name();
    const Attrs ta = {{"T", TypeAttr(t)}};
    const Attrs mean_attrs = {{"T", TypeAttr(t)},
                              {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                              {"keep_dims", ir::Attribute::Bool(true)}};
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* axes_c = b.ConstInt32(axes, p + "/axes");
    ir::Value* mean = b.Emit("Mean", {x, axes_c}, mean_attrs, t, p + "/mean")->output(0);
    ir::Value* d = b.Emit("Sub", {x, mean}, ta, t, p + "/centered")->output(0);
    ir::Value* sq = b.Emit("Square", {d}, ta, t, p + "/squared")->output(0);
    ir::Value* var = b.Emit("Mean", {sq, axes_c}, mean_attrs, t, p + "/variance")->output(0);
    ir::Value* sd = b.Emit("Sqrt", {var}, ta, t, p + "/std")->output(0);
    ir::Value* eps = b.Const(Tensor::Scalar<float>(1e-9f), p + "/epsilon");
    ir::Value* den = b.Emit("AddV2", {sd, eps}, ta, t, p + "/std_eps")->output(0);
    b.SetOutput(0, b.Emit("RealDiv", {d, den}, ta, t, b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMeanVarianceNormalization(ConverterTable& t) {
  t.Add(std::make_unique<MeanVarianceNormalizationToTf>(9));
  t.Add(std::make_unique<MeanVarianceNormalizationToTf>(13));
}

}  // namespace ferry::convert::onnx_to_tf::ops
