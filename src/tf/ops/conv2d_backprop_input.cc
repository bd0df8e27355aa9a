// TF Conv2DBackpropInput(input_sizes, filter, out_backprop) (nn_ops.cc): the gradient of
// Conv2D with respect to its input, i.e. a transposed convolution. input_sizes is the int32
// [4] NHWC shape of the result; filter is HWIO [kh, kw, in_channels, out_channels] of the
// forward Conv2D; out_backprop is [N, oh, ow, out_channels] and must be the forward output
// size of input_sizes under strides / dilations / padding (SAME, VALID or EXPLICIT). Runs
// kernels::ConvTransposeNd channels-first: each out_backprop element scatters into the result
// at its forward window, offset by the forward padding before.
#include <vector>

#include "kernels/conv_nd.h"
#include "runtime/opset.h"
#include "tf/ops/conv_common.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Conv2DBackpropInput final : public runtime::Op {
 public:
  explicit Conv2DBackpropInput(const runtime::NodeInfo& info) {
    init_status_ = ReadConvAttrs(info, &attrs_);
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* sizes = ctx.input(0);
    const Tensor* w = ctx.input(1);
    const Tensor* dy = ctx.input(2);
    if (!sizes || !w || !dy) return ctx.Error("missing input");
    if (sizes->NumElements() != 4) return ctx.Error("input_sizes must have 4 elements");
    const std::vector<int64_t> in = sizes->ToInt64Vector();
    if (w->rank() != 4 || dy->rank() != 4 || w->dtype() != DataType::kFloat32 ||
        dy->dtype() != DataType::kFloat32)
      return ctx.Error("filter " + w->DebugString() + " and out_backprop " + dy->DebugString() +
                       " must be float32 of rank 4");
    if (w->dim(2) != in[3] || w->dim(3) != dy->dim(3) || in[0] != dy->dim(0))
      return ctx.Error("filter " + w->shape().ToString() + " does not fit input_sizes [" +
                       std::to_string(in[0]) + ", " + std::to_string(in[1]) + ", " +
                       std::to_string(in[2]) + ", " + std::to_string(in[3]) + "] and out_backprop " +
                       dy->shape().ToString());
    kernels::ConvNdParams p;
    p.batch = in[0];
    p.in_channels = dy->dim(3);  // the transposed conv reads out_backprop's channels
    p.out_channels = in[3];
    for (int i = 0; i < 2; ++i) {
      auto win = ResolveWindow(in[1 + i], w->dim(i), attrs_.strides[1 + i],
                               attrs_.dilations[1 + i], attrs_.padding, attrs_.pads[2 + 2 * i],
                               attrs_.pads[3 + 2 * i]);
      if (!win.ok()) return ctx.Error(win.status().message());
      if (win->out != dy->dim(1 + i))
        return ctx.Error("out_backprop " + dy->shape().ToString() +
                         " is not the forward output size of input_sizes");
      p.in.push_back(dy->dim(1 + i));
      p.kernel.push_back(w->dim(i));
      p.out.push_back(in[1 + i]);
      p.strides.push_back(attrs_.strides[1 + i]);
      p.dilations.push_back(attrs_.dilations[1 + i]);
      p.pads_begin.push_back(win->before);
    }
    const std::vector<float> xcf = ToChannelsFirst(*dy);
    const std::vector<float> wcf = PermuteFilter(*w, {3, 2, 0, 1});  // -> [O, I, kh, kw]
    std::vector<float> y(in[0] * in[1] * in[2] * in[3]);
    kernels::ConvTransposeNd(p, xcf.data(), wcf.data(), nullptr, y.data());
    FERRY_ASSIGN_OR_RETURN(Tensor * out,
                           ctx.Output(0, DataType::kFloat32, Shape{in[0], in[1], in[2], in[3]}));
    FromChannelsFirst(y.data(), {in[0], in[3], in[1], in[2]}, out->data<float>());
    return Status::Ok();
  }

 private:
  TfConvAttrs attrs_;
};

}  // namespace

void RegisterConv2DBackpropInput(runtime::OpSet& s) {
  s.Add<Conv2DBackpropInput>("Conv2DBackpropInput", 1, "tf");
}

}  // namespace ferry::tf::ops
