// ONNX BatchNormalization (9, 14, 15), inference form, -> TF Mul + AddV2 with folded
// constants: y = x * s + (B - mean * s), s = scale / sqrt(var + epsilon). In NHWC (and for
// [N, C]) the [C] constants broadcast over the last axis; plain rank-r inputs get [C, 1, ...].
// Parameters known only at run time take the same formula in TF ops (Rsqrt, Mul, Sub, AddV2)
// on the parameters reshaped to broadcast. training_mode = 1 (opset 14, 15) normalises with
// the batch statistics (Mean over every axis but the channel's; population variance) and
// returns running_mean = mean * momentum + batch_mean * (1 - momentum), likewise the variance.
#include <cmath>

#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class BatchNormalizationToTf final : public OpConverter {
 public:
  explicit BatchNormalizationToTf(int since) : OpConverter("BatchNormalization", since) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 9) return {"epsilon", "momentum", "is_test", "spatial"};
    return {"epsilon", "momentum", "training_mode"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    for (int i = 1; i < n.num_outputs() && i < 3; ++i) {
      if (!n.output(i)) continue;
      ctx.out(i).dtype = ctx.in(i + 2).dtype;
      ctx.out(i).dims = ctx.in(i + 2).dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    // BatchNormalization-6/7: is_test = 0 (6) is training; spatial = 0 normalises per element.
    if (since_opset() < 7 && n.GetInt("is_test", 0) == 0)
      return b.Unsupported("is_test", "= 0 computes batch statistics; only inference converts");
    if (n.GetInt("spatial", 1) != 1)
      return b.Unsupported("spatial", "= 0 (per-element statistics) has no TF form here");
    const bool training = n.GetInt("training_mode", 0) != 0;
    if (!training) {
      for (int i = 1; i < n.num_outputs(); ++i)
        if (n.output(i) && !n.output(i)->users().empty())
          return b.Error("output " + std::to_string(i) + " (running statistics) is used");
    }
    const Tensor* p[4];
    bool all_const = true;
    for (int i = 1; i <= 4; ++i) {
      p[i - 1] = b.ConstInput(i);
      all_const &= p[i - 1] && p[i - 1]->dtype() == DataType::kFloat32 && p[i - 1]->rank() == 1;
    }
    if (training || !all_const) return ConvertGeneral(n, b, training);
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

 private:
  // Batch statistics (training) or parameters computed at run time.
  Status ConvertGeneral(const ir::Node& n, TfBuilder& b, bool training) const {
    const DataType f = DataType::kFloat32;
    if (b.in_facts(0).dtype != f) return b.Error("only float32 converts to TF");
    const int r = b.in_facts(0).rank();
    if (r < 2) return b.Error("input 0 must have rank >= 2");
    const bool channel_last = b.nhwc() || r == 2;
    std::vector<int64_t> cshape = {-1};
    if (!channel_last) cshape.resize(r - 1, 1);
    const std::string& p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* prm[4];
    for (int i = 1; i <= 4; ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.ValueIn(n.input(i), ValueLayout::kPlain));
      prm[i - 1] = EmitReshape(b, v, f, cshape, p + "/param" + std::to_string(i));
    }
    ir::Value* mean = prm[2];
    ir::Value* var = prm[3];
    if (training) {
      std::vector<int64_t> axes;
      for (int i = 0; i < r; ++i)
        if (i != (channel_last ? r - 1 : 1)) axes.push_back(i);
      auto reduce_mean = [&](ir::Value* v, const std::string& name) {
        return b.Emit("Mean", {v, b.ConstInt32(axes, name + "/axes")},
                      {{"T", TypeAttr(f)},
                       {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                       {"keep_dims", ir::Attribute::Bool(true)}},
                      f, name)
            ->output(0);
      };
      mean = reduce_mean(x, p + "/batch_mean");
      ir::Value* centered = EmitT(b, "Sub", {x, mean}, f, p + "/batch_centered");
      var = reduce_mean(EmitT(b, "Square", {centered}, f, p + "/batch_square"), p + "/batch_var");
      const float momentum = n.GetFloat("momentum", 0.9f);
      auto running = [&](int in, ir::Value* batch, int out) -> Status {
        if (n.num_outputs() <= out || !n.output(out)) return Status::Ok();
        FERRY_ASSIGN_OR_RETURN(ir::Value * old, b.ValueIn(n.input(in), ValueLayout::kPlain));
        ir::Value* flat = EmitReshape(b, batch, f, {-1}, p + "/flat" + std::to_string(out));
        ir::Value* a = EmitT(b, "Mul", {old, b.Const(Tensor::Scalar<float>(momentum), p + "/m")}, f,
                             p + "/kept" + std::to_string(out));
        ir::Value* c = EmitT(b, "Mul",
                             {flat, b.Const(Tensor::Scalar<float>(1.f - momentum), p + "/1m")}, f,
                             p + "/new" + std::to_string(out));
        b.SetOutput(out, EmitT(b, "AddV2", {a, c}, f, b.OutName(out)));
        return Status::Ok();
      };
      FERRY_RETURN_IF_ERROR(running(3, mean, 1));
      FERRY_RETURN_IF_ERROR(running(4, var, 2));
    }
    const float eps = n.GetFloat("epsilon", 1e-5f);
    ir::Value* inv = EmitT(
        b, "Rsqrt", {EmitT(b, "AddV2", {var, b.Const(Tensor::Scalar<float>(eps), p + "/eps")}, f,
                           p + "/var_eps")},
        f, p + "/inv_std");
    ir::Value* s = EmitT(b, "Mul", {prm[0], inv}, f, p + "/scale");
    ir::Value* y = EmitT(b, "Mul", {EmitT(b, "Sub", {x, mean}, f, p + "/centered"), s}, f,
                         p + "/scaled");
    b.SetOutput(0, EmitT(b, "AddV2", {y, prm[1]}, f, b.OutName(0)));
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
