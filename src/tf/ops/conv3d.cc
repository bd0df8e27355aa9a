// TF Conv3D (nn_ops.cc): input NDHWC [N, D, H, W, C], filter DHWIO [kd, kh, kw, C / groups,
// O], strides and dilations 5-int lists with 1 on the batch and depth entries, padding SAME or
// VALID (Conv3D has no EXPLICIT). Input depth may be a multiple of the filter's in-depth
// (grouped, as TF's shape function allows). Runs kernels::ConvNd channels-first.
#include <vector>

#include "kernels/conv_nd.h"
#include "runtime/opset.h"
#include "tf/ops/conv_common.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Conv3D final : public runtime::Op {
 public:
  explicit Conv3D(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w) return ctx.Error("missing input");
    if (x->rank() != 5 || w->rank() != 5 || x->dtype() != DataType::kFloat32 ||
        w->dtype() != DataType::kFloat32)
      return ctx.Error("input " + x->DebugString() + " and filter " + w->DebugString() +
                       " must be float32 of rank 5");
    const int64_t c = x->dim(4), cg = w->dim(3), m = w->dim(4);
    if (cg <= 0 || c % cg != 0 || m % (c / cg) != 0)
      return ctx.Error("filter " + w->shape().ToString() + " does not fit input " +
                       x->shape().ToString());
    kernels::ConvNdParams p;
    p.batch = x->dim(0);
    p.in_channels = c;
    p.out_channels = m;
    p.groups = c / cg;
    for (int i = 0; i < 3; ++i) {
      auto win = ResolveWindow(x->dim(1 + i), w->dim(i), strides_[1 + i], dilations_[1 + i],
                               padding_, 0, 0);
      if (!win.ok()) return ctx.Error(win.status().message());
      p.in.push_back(x->dim(1 + i));
      p.kernel.push_back(w->dim(i));
      p.out.push_back(win->out);
      p.strides.push_back(strides_[1 + i]);
      p.dilations.push_back(dilations_[1 + i]);
      p.pads_begin.push_back(win->before);
    }
    const std::vector<float> xcf = ToChannelsFirst(*x);
    const std::vector<float> wcf = PermuteFilter(*w, {4, 3, 0, 1, 2});  // -> [O, I, kd, kh, kw]
    const std::vector<int64_t> ycf = {p.batch, m, p.out[0], p.out[1], p.out[2]};
    std::vector<float> y(p.batch * m * p.out[0] * p.out[1] * p.out[2]);
    kernels::ConvNd(p, xcf.data(), wcf.data(), nullptr, y.data());
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32,
                                                    Shape{p.batch, p.out[0], p.out[1], p.out[2], m}));
    FromChannelsFirst(y.data(), ycf, out->data<float>());
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    FERRY_ASSIGN_OR_RETURN(std::string fmt, StringAttr(info, "data_format", false, "NDHWC"));
    if (fmt != "NDHWC") return info.Error("data_format '" + fmt + "' is not NDHWC");
    FERRY_ASSIGN_OR_RETURN(strides_, IntsAttr(info, "strides", true));
    FERRY_ASSIGN_OR_RETURN(dilations_, IntsAttr(info, "dilations", false, {1, 1, 1, 1, 1}));
    FERRY_ASSIGN_OR_RETURN(padding_, StringAttr(info, "padding", true));
    if (strides_.size() != 5 || dilations_.size() != 5)
      return info.Error("strides and dilations must have 5 entries");
    if (strides_[0] != 1 || strides_[4] != 1 || dilations_[0] != 1 || dilations_[4] != 1)
      return info.Error("strides and dilations on the batch and depth dims must be 1");
    if (padding_ != "SAME" && padding_ != "VALID")
      return info.Error("padding '" + padding_ + "' is not SAME or VALID");
    return Status::Ok();
  }

  std::vector<int64_t> strides_, dilations_;
  std::string padding_;
};

}  // namespace

void RegisterConv3D(runtime::OpSet& s) { s.Add<Conv3D>("Conv3D", 1, "tf"); }

}  // namespace ferry::tf::ops
