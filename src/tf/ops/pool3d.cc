// TF MaxPool3D and AvgPool3D (nn_ops.cc): input NDHWC, ksize and strides 5-int lists with 1 on
// the batch and depth entries, padding SAME or VALID. As in 2-D, SAME padding never enters a
// window: MaxPool3D ignores it, AvgPool3D divides by the real elements of each window
// (TF's pooling_ops_3d.cc). Runs kernels::PoolNd channels-first.
#include <vector>

#include "kernels/conv_nd.h"
#include "runtime/opset.h"
#include "tf/ops/conv_common.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kMax>
class Pool3D final : public runtime::Op {
 public:
  explicit Pool3D(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->rank() != 5 || x->dtype() != DataType::kFloat32)
      return ctx.Error("input " + x->DebugString() + " must be float32 of rank 5");
    kernels::ConvNdParams p;
    std::vector<int64_t> pads_end;
    for (int i = 0; i < 3; ++i) {
      auto win = ResolveWindow(x->dim(1 + i), ksize_[1 + i], strides_[1 + i], 1, padding_, 0, 0);
      if (!win.ok()) return ctx.Error(win.status().message());
      p.in.push_back(x->dim(1 + i));
      p.kernel.push_back(ksize_[1 + i]);
      p.out.push_back(win->out);
      p.strides.push_back(strides_[1 + i]);
      p.dilations.push_back(1);
      p.pads_begin.push_back(win->before);
      pads_end.push_back(win->after);
    }
    const int64_t n = x->dim(0), c = x->dim(4);
    const std::vector<float> xcf = ToChannelsFirst(*x);
    std::vector<float> y(n * c * p.out[0] * p.out[1] * p.out[2]);
    kernels::PoolNd(kMax, p, n * c, pads_end, /*count_include_pad=*/false, xcf.data(), y.data());
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32,
                                                    Shape{n, p.out[0], p.out[1], p.out[2], c}));
    FromChannelsFirst(y.data(), {n, c, p.out[0], p.out[1], p.out[2]}, out->data<float>());
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    FERRY_ASSIGN_OR_RETURN(std::string fmt, StringAttr(info, "data_format", false, "NDHWC"));
    if (fmt != "NDHWC") return info.Error("data_format '" + fmt + "' is not NDHWC");
    FERRY_ASSIGN_OR_RETURN(ksize_, IntsAttr(info, "ksize", true));
    FERRY_ASSIGN_OR_RETURN(strides_, IntsAttr(info, "strides", true));
    FERRY_ASSIGN_OR_RETURN(padding_, StringAttr(info, "padding", true));
    if (ksize_.size() != 5 || strides_.size() != 5)
      return info.Error("ksize and strides must have 5 entries");
    if (ksize_[0] != 1 || ksize_[4] != 1 || strides_[0] != 1 || strides_[4] != 1)
      return info.Error("pooling over the batch or depth dim is not supported");
    if (padding_ != "SAME" && padding_ != "VALID")
      return info.Error("padding '" + padding_ + "' is not SAME or VALID");
    return Status::Ok();
  }

  std::vector<int64_t> ksize_, strides_;
  std::string padding_;
};

}  // namespace

void RegisterPool3D(runtime::OpSet& s) {
  s.Add<Pool3D<true>>("MaxPool3D", 1, "tf");
  s.Add<Pool3D<false>>("AvgPool3D", 1, "tf");
}

}  // namespace ferry::tf::ops
