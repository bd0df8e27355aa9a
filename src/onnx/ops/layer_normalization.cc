// ONNX LayerNormalization (17): normalises over the dims from `axis` (default -1) on, then
// scales and shifts by Scale and optional B (broadcast to those dims). Optional outputs Mean
// and InvStdDev have the input's shape with the normalised dims set to 1. torch.onnx at
// opset 17 emits it for nn.LayerNorm.
//
// ai.ferry:LayerNormalization (1) is the load-time optimizer's fusion of torch's decomposed
// LayerNorm below opset 17 (runtime/optimize/fuse_layer_norm.cc): float only, last axis,
// optional Scale and B of the last dim's size (or 1), the same roundings as those nodes.
#include "kernels/batch_norm.h"
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"
#include "runtime/optimize/fused_attrs.h"

namespace ferry::onnx::ops {
namespace {

class LayerNormalization final : public Op {
 public:
  explicit LayerNormalization(const NodeInfo& info) {
    axis_ = info.node().GetInt("axis", -1);
    epsilon_ = info.node().GetFloat("epsilon", 1e-5f);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* scale, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    const Tensor* bias = ctx.input(2);
    if (bias) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
    auto axis = NormalizeAxis(axis_, x->rank(), ctx.node().Describe());
    if (!axis.ok()) return axis.status();
    const std::vector<int64_t> norm_shape(x->shape().dims().begin() + *axis,
                                          x->shape().dims().end());
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < x->rank(); ++d) (d < *axis ? outer : inner) *= x->dim(d);
    // Scale and B broadcast (unidirectionally) to the normalised block.
    auto expand = [&](const Tensor& t, int i, std::vector<uint8_t>* buf) -> StatusOr<const void*> {
      auto shape = kernels::BroadcastShapes(t.shape().dims(), norm_shape);
      if (!shape.ok() || *shape != norm_shape)
        return ctx.Error("input " + std::to_string(i) + " of shape " + t.shape().ToString() +
                         " does not broadcast to the normalised shape " +
                         Shape(norm_shape).ToString());
      if (t.shape().dims() == norm_shape) return t.raw_data();
      buf->resize(inner * SizeOf(t.dtype()));
      kernels::BroadcastTo(t.raw_data(), t.shape().dims(), SizeOf(t.dtype()), norm_shape,
                           buf->data());
      return static_cast<const void*>(buf->data());
    };
    std::vector<uint8_t> scale_buf, bias_buf;
    FERRY_ASSIGN_OR_RETURN(const void* scale_p, expand(*scale, 1, &scale_buf));
    const void* bias_p = nullptr;
    if (bias) {
      FERRY_ASSIGN_OR_RETURN(bias_p, expand(*bias, 2, &bias_buf));
    }
    std::vector<int64_t> stat_shape = x->shape().dims();
    for (int d = *axis; d < x->rank(); ++d) stat_shape[d] = 1;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      T* mean = nullptr;
      T* inv = nullptr;
      if (ctx.num_outputs() > 1) {
        FERRY_ASSIGN_OR_RETURN(Tensor * m, ctx.Output(1, x->dtype(), Shape(stat_shape)));
        mean = m->data<T>();
      }
      if (ctx.num_outputs() > 2) {
        FERRY_ASSIGN_OR_RETURN(Tensor * s, ctx.Output(2, x->dtype(), Shape(stat_shape)));
        inv = s->data<T>();
      }
      kernels::LayerNorm<T>(x->data<T>(), outer, inner, static_cast<const T*>(scale_p),
                            static_cast<const T*>(bias_p), epsilon_, y->data<T>(), mean, inv);
      return Status::Ok();
    });
  }

 private:
  int64_t axis_ = -1;
  float epsilon_ = 1e-5f;
};

class FusedLayerNorm final : public Op {
 public:
  explicit FusedLayerNorm(const NodeInfo& info) {
    epsilon_ = info.node().GetFloat("epsilon", 1e-5f);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    if (x->rank() == 0) return ctx.Error("input 0 is a scalar, expected rank >= 1");
    const int64_t inner = x->dim(x->rank() - 1);
    const int64_t outer = inner ? x->NumElements() / inner : 0;
    const Tensor* scale = ctx.input(1);
    const Tensor* bias = ctx.input(2);
    for (int i : {1, 2}) {
      const Tensor* t = ctx.input(i);
      if (!t) continue;
      FERRY_RETURN_IF_ERROR(CheckDtype(ctx, i, {DataType::kFloat32}));
      if (t->rank() != 1 || (t->dim(0) != inner && t->dim(0) != 1))
        return ctx.Error("input " + std::to_string(i) + " of shape " + t->shape().ToString() +
                         " does not broadcast along the last axis of " + x->shape().ToString());
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, x->shape()));
    kernels::LayerNormSteps(x->data<float>(), outer, inner,
                            scale ? scale->data<float>() : nullptr, scale ? scale->dim(0) : 0,
                            bias ? bias->data<float>() : nullptr, bias ? bias->dim(0) : 0,
                            epsilon_, y->data<float>());
    return Status::Ok();
  }

 private:
  float epsilon_ = 1e-5f;
};

}  // namespace

void RegisterLayerNormalization(OpSet& s) {
  s.Add<LayerNormalization>("LayerNormalization", 17);
  s.Add<FusedLayerNorm>("LayerNormalization", 1, runtime::optimize::kFerryDomain);
}

}  // namespace ferry::onnx::ops
