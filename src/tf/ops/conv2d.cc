// TF Conv2D and DepthwiseConv2dNative (nn_ops.cc): input NHWC; filter HWIO [kh, kw, in, out]
// for Conv2D, [kh, kw, in, multiplier] for the depthwise form (output channel
// c * multiplier + m reads only input channel c: kernels::Conv2D with groups = in channels).
// Strides and dilations are 4-int NHWC lists, padding SAME / VALID / EXPLICIT
// (explicit_paddings: 8 ints, NHWC pairs). A constant filter keeps its oneDNN primitive.
#include <memory>

#include "runtime/opset.h"
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
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w) return ctx.Error("missing input");
    FERRY_ASSIGN_OR_RETURN(kernels::ConvParams p,
                           MakeConvParams(attrs_, *x, *w, kDepthwise, ctx));
    FERRY_ASSIGN_OR_RETURN(
        Tensor * y,
        ctx.Output(0, DataType::kFloat32, Shape{p.batch, p.out_h(), p.out_w(), p.out_channels}));
    Status s = cached_ ? cached_->Run(p, x->data<float>(), w->data<float>(), nullptr,
                                      y->data<float>(), ctx.num_threads())
                       : kernels::Conv2D(p, x->data<float>(), w->data<float>(), nullptr,
                                         y->data<float>(), ctx.num_threads());
    return s.ok() ? s : s.WithContext(ctx.node().Describe());
  }

 private:
  TfConvAttrs attrs_;
  std::unique_ptr<kernels::ConstantWeightConv2D> cached_;
};

}  // namespace

void RegisterConv2D(runtime::OpSet& s) { s.Add<TfConv<false>>("Conv2D", 1, "tf"); }

void RegisterDepthwiseConv2dNative(runtime::OpSet& s) {
  s.Add<TfConv<true>>("DepthwiseConv2dNative", 1, "tf");
}

}  // namespace ferry::tf::ops
