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
      auto win = ResolveWindow(x->dim(1 + i), attrs_.ksize[1 + i], attrs_.strides[1 + i], 1,
                               attrs_.padding, 0, 0);
      if (!win.ok()) return ctx.Error(win.status().message());
      p.in.push_back(x->dim(1 + i));
      p.kernel.push_back(attrs_.ksize[1 + i]);
      p.out.push_back(win->out);
      p.strides.push_back(attrs_.strides[1 + i]);
      p.dilations.push_back(1);
      p.pads_begin.push_back(win->before);
      pads_end.push_back(win->after);
    }
    const int64_t n = x->dim(0), c = x->dim(4);
    const std::vector<float> xcf = ToChannelsFirst(*x);
    std::vector<float> y(n * c * p.out[0] * p.out[1] * p.out[2]);
    kernels::PoolNd(kMax, p, n * c, pads_end, /*count_include_pad=*/false, xcf.data(), y.data());
    FERRY_ASSIGN_OR_RETURN(
        Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{n, p.out[0], p.out[1], p.out[2], c}));
    FromChannelsFirst(y.data(), {n, c, p.out[0], p.out[1], p.out[2]}, out->data<float>());
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    FERRY_ASSIGN_OR_RETURN(std::string fmt, StringAttr(info, "data_format", false, "NDHWC"));
    if (fmt != "NDHWC") return info.Error("data_format '" + fmt + "' is not NDHWC");
    return attrs_.Read(info, 5);
  }

  PoolWindowAttrs attrs_;
};

}  // namespace

void RegisterPool3D(runtime::OpSet& s) {
  s.Add<Pool3D<true>>("MaxPool3D", 1, "tf");
  s.Add<Pool3D<false>>("AvgPool3D", 1, "tf");
}

}  // namespace ferry::tf::ops
