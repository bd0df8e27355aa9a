// TF MaxPool and AvgPool (nn_ops.cc): NHWC, ksize and strides as 4-int lists, padding SAME
// or VALID. SAME padding never enters a window: MaxPool ignores it, AvgPool divides by the
// number of real elements in the window (TF's avg_pooling_op.cc). Runs kernels::Pool2D.
#include "kernels/pool.h"

#include <algorithm>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kMax>
class Pool final : public runtime::Op {
 public:
  explicit Pool(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->rank() != 4 || x->dtype() != DataType::kFloat32)
      return ctx.Error("input " + x->DebugString() + " must be float32 of rank 4");
    const int64_t n = x->dim(0), ih = x->dim(1), iw = x->dim(2), c = x->dim(3);
    auto wh = ComputeWindow(ih, ksize_[1], strides_[1], 1, padding_, 0, 0);
    auto ww = ComputeWindow(iw, ksize_[2], strides_[2], 1, padding_, 0, 0);
    if (!wh.ok()) return ctx.Error(wh.status().message());
    if (!ww.ok()) return ctx.Error(ww.status().message());
    kernels::PoolParams p;
    p.kind = kMax ? kernels::PoolKind::kMax : kernels::PoolKind::kAverage;
    p.layout = kernels::Layout::kNHWC;
    p.batch = n;
    p.channels = c;
    p.in_h = ih;
    p.in_w = iw;
    p.kernel_h = ksize_[1];
    p.kernel_w = ksize_[2];
    p.stride_h = strides_[1];
    p.stride_w = strides_[2];
    p.out_h = wh->out;
    p.out_w = ww->out;
    p.pad_top = wh->pad_before;
    p.pad_left = ww->pad_before;
    // SAME's padding after: whatever the last window hangs past the input.
    p.pad_bottom = std::max<int64_t>((p.out_h - 1) * p.stride_h + p.kernel_h - ih - p.pad_top, 0);
    p.pad_right = std::max<int64_t>((p.out_w - 1) * p.stride_w + p.kernel_w - iw - p.pad_left, 0);
    p.count_include_pad = false;  // TF divides by the real elements of each window
    FERRY_RETURN_IF_ERROR(p.Validate().WithContext(ctx.node().Describe()));
    FERRY_ASSIGN_OR_RETURN(Tensor * out,
                           ctx.Output(0, DataType::kFloat32, Shape{n, p.out_h, p.out_w, c}));
    Status s = kernels::Pool2D(p, x->data<float>(), out->data<float>(), ctx.num_threads());
    if (!s.ok()) return s.WithContext(ctx.node().Describe());
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    FERRY_RETURN_IF_ERROR(RequireNhwc(info));
    FERRY_ASSIGN_OR_RETURN(ksize_, IntsAttr(info, "ksize", true));
    FERRY_ASSIGN_OR_RETURN(strides_, IntsAttr(info, "strides", true));
    FERRY_ASSIGN_OR_RETURN(padding_, StringAttr(info, "padding", true));
    if (ksize_.size() != 4 || strides_.size() != 4)
      return info.Error("ksize and strides must have 4 entries");
    if (ksize_[0] != 1 || ksize_[3] != 1 || strides_[0] != 1 || strides_[3] != 1)
      return info.Error("pooling over the batch or depth dim is not supported");
    if (padding_ != "SAME" && padding_ != "VALID")
      return info.Error("padding '" + padding_ + "' is not SAME or VALID");
    return Status::Ok();
  }

  std::vector<int64_t> ksize_, strides_;
  std::string padding_;
};

}  // namespace

void RegisterPool(runtime::OpSet& s) {
  s.Add<Pool<true>>("MaxPool", 1, "tf");
  s.Add<Pool<false>>("AvgPool", 1, "tf");
}

}  // namespace ferry::tf::ops
