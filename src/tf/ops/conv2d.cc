// TF Conv2D and DepthwiseConv2dNative (nn_ops.cc): input NHWC; filter HWIO [kh, kw, in, out]
// for Conv2D, [kh, kw, in, multiplier] for the depthwise form (output channel
// c * multiplier + m reads only input channel c: kernels::Conv2D with groups = in channels).
// Strides and dilations are 4-int NHWC lists, padding SAME / VALID / EXPLICIT
// (explicit_paddings: 8 ints, NHWC pairs). A constant filter keeps its oneDNN primitive.
// The optimizer's fused form (runtime/optimize/fuse_tf.cc) runs here too: a bias as
// input 2, a residual as input 3 and an activation, applied as the output is written.
#include <memory>

#include "kernels/elementwise.h"
#include "runtime/opset.h"
#include "runtime/optimize/fused_attrs.h"
#include "tf/ops/conv_common.h"

namespace ferry::tf::ops {
namespace {

template <bool kDepthwise>
class TfConv final : public runtime::Op {
 public:
  explicit TfConv(const runtime::NodeInfo& info) {
    init_status_ = ReadConvAttrs(info, &attrs_);
    if (kDepthwise && init_status_.ok() && attrs_.strides[1] != attrs_.strides[2])
      init_status_ = info.Error("TF requires equal row and column strides for depthwise conv");
    if (info.constant_input(1)) cached_ = std::make_unique<kernels::ConstantWeightConv2D>();
    namespace opt = runtime::optimize;
    bias_ = info.node().GetInt(opt::kBiasAttr, 0) != 0;
    residual_ = info.node().GetInt(opt::kResidualAttr, 0) != 0;
    auto act = opt::ReadFusedActivation(info.node());
    if (!act.ok()) init_status_ = act.status();
    activation_ = act.ok() ? *act : kernels::FusedActivation{};
    if ((bias_ || residual_) && !cached_)
      init_status_ = info.Error("a fused bias or residual needs a constant filter");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w) return ctx.Error("missing input");
    FERRY_ASSIGN_OR_RETURN(kernels::ConvParams p,
                           MakeConvParams(attrs_, *x, *w, kDepthwise, ctx));
    const Shape y_shape{p.batch, p.out_h(), p.out_w(), p.out_channels};
    kernels::ConvTensors t;
    t.x = x->data<float>();
    t.w = w->data<float>();
    if (bias_) {
      const Tensor* b = ctx.input(2);
      if (!b || b->dtype() != DataType::kFloat32 || b->rank() != 1 ||
          b->dim(0) != p.out_channels)
        return ctx.Error("fused bias (input 2) must be float [" +
                         std::to_string(p.out_channels) + "]");
      t.b = b->data<float>();
    }
    const Tensor* r = residual_ ? ctx.input(3) : nullptr;
    if (residual_ && !r) return ctx.Error("fused residual input 3 is missing");
    if (r && (r->shape() != y_shape || r->dtype() != DataType::kFloat32))
      return RunUnfusedResidual(ctx, p, t, y_shape, *r);
    p.activation = activation_;
    // A residual that dies here becomes the output: the kernels accumulate onto it.
    FERRY_ASSIGN_OR_RETURN(Tensor * y, r ? ctx.OutputInPlace(0, 3, DataType::kFloat32, y_shape)
                                         : ctx.Output(0, DataType::kFloat32, y_shape));
    t.y = y->data<float>();
    t.residual = r ? r->data<float>() : nullptr;
    if (cached_) return Finish(ctx, cached_->Run(p, t, ctx.num_threads()));
    return Finish(ctx, kernels::Conv2D(p, t.x, t.w, t.b, t.y, ctx.num_threads()));
  }

 private:
  Status Finish(runtime::OpContext& ctx, Status s) const {
    return s.ok() ? s : s.WithContext(ctx.node().Describe());
  }

  // A residual that broadcasts (or is not float): the convolution with its bias, then the
  // Add and the activation as the unfused graph computes them.
  Status RunUnfusedResidual(runtime::OpContext& ctx, kernels::ConvParams p, kernels::ConvTensors t,
                            const Shape& y_shape, const Tensor& r) const {
    if (r.dtype() != DataType::kFloat32) return ctx.Error("residual input 3 is not float");
    Tensor conv(DataType::kFloat32, y_shape);
    t.y = conv.data<float>();
    FERRY_RETURN_IF_ERROR(Finish(ctx, cached_->Run(p, t, ctx.num_threads())));
    auto shape = kernels::BroadcastShapes(y_shape.dims(), r.shape().dims());
    if (!shape.ok()) return ctx.Error("residual: " + shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(*shape)));
    FERRY_RETURN_IF_ERROR(kernels::Binary<float>(kernels::BinaryOp::kAdd, conv.data<float>(),
                                                 y_shape.dims(), r.data<float>(),
                                                 r.shape().dims(), y->data<float>()));
    float* out = y->data<float>();
    for (int64_t i = 0; i < y->NumElements(); ++i) out[i] = activation_.Apply(out[i]);
    return Status::Ok();
  }

  TfConvAttrs attrs_;
  std::unique_ptr<kernels::ConstantWeightConv2D> cached_;
  bool bias_ = false;
  bool residual_ = false;
  kernels::FusedActivation activation_;
};

}  // namespace

void RegisterConv2D(runtime::OpSet& s) { s.Add<TfConv<false>>("Conv2D", 1, "tf"); }

void RegisterDepthwiseConv2dNative(runtime::OpSet& s) {
  s.Add<TfConv<true>>("DepthwiseConv2dNative", 1, "tf");
}

}  // namespace ferry::tf::ops
