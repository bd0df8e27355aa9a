// ONNX BatchNormalization (9, 14, 15), inference form, -> TF Mul + AddV2 with folded
// constants: y = x * s + (B - mean * s), s = scale / sqrt(var + epsilon). In NHWC (and for
// [N, C]) the [C] constants broadcast over the last axis; plain rank-r inputs get [C, 1, ...].
// training_mode = 1 (batch statistics) has no inference TF form: an error.
#include <cmath>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class BatchNormalizationToTf final : public OpConverter {
 public:
  explicit BatchNormalizationToTf(int since) : OpConverter("BatchNormalization", since) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 9) return {"epsilon", "momentum", "is_test", "spatial"};
    return {"epsilon", "momentum", "training_mode"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    // BatchNormalization-6/7: is_test = 0 (6) is training; spatial = 0 normalises per element.
    if (since_opset() < 7 && n.GetInt("is_test", 0) == 0)
      return b.Unsupported("is_test", "= 0 computes batch statistics; only inference converts");
    if (n.GetInt("spatial", 1) != 1)
      return b.Unsupported("spatial", "= 0 (per-element statistics) has no TF form here");
    if (n.GetInt("training_mode", 0) != 0)
      return b.Unsupported("training_mode",
                           "= 1 computes batch statistics; only inference "
                           "BatchNormalization converts to TF");
    for (int i = 1; i < n.num_outputs(); ++i)
      if (n.output(i) && !n.output(i)->users().empty())
        return b.Error("output " + std::to_string(i) + " (running statistics) is used");
    const Tensor* p[4];
    for (int i = 1; i <= 4; ++i) {
      p[i - 1] = b.ConstInput(i);
      if (!p[i - 1] || p[i - 1]->dtype() != DataType::kFloat32 || p[i - 1]->rank() != 1)
        return b.Error("input " + std::to_string(i) + " must be a constant 1-D float32 tensor");
    }
    const int64_t c = p[0]->dim(0);
    for (int i = 1; i < 4; ++i)
      if (p[i]->dim(0) != c) return b.Error("scale, B, mean and var must have the same length");
    const float eps = n.GetFloat("epsilon", 1e-5f);
    std::vector<float> scale(c), shift(c);
    for (int64_t i = 0; i < c; ++i) {
      scale[i] = p[0]->data<float>()[i] / std::sqrt(p[3]->data<float>()[i] + eps);
      shift[i] = p[1]->data<float>()[i] - p[2]->data<float>()[i] * scale[i];
    }
    const int r = b.in_facts(0).rank();
    if (r < 2) return b.Error("input 0 must have rank >= 2");
    std::vector<int64_t> cshape = {c};
    if (!b.nhwc() && r > 2) cshape.resize(r - 1, 1);  // [C, 1, ...] against NC...
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const Attrs t = {{"T", TypeAttr(DataType::kFloat32)}};
    ir::Value* sv = b.Const(Tensor::FromVector<float>(scale, Shape(cshape)), n.name() + "/scale");
    ir::Value* hv = b.Const(Tensor::FromVector<float>(shift, Shape(cshape)), n.name() + "/shift");
    ir::Value* y = b.Emit("Mul", {x, sv}, t, DataType::kFloat32)->output(0);
    b.SetOutput(0, b.Emit("AddV2", {y, hv}, t, DataType::kFloat32, b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterBatchNormalization(ConverterTable& t) {
  t.Add(std::make_unique<BatchNormalizationToTf>(6));
  t.Add(std::make_unique<BatchNormalizationToTf>(7));
  t.Add(std::make_unique<BatchNormalizationToTf>(9));
}

}  // namespace ferry::convert::onnx_to_tf::ops
