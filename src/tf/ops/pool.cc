// TF MaxPool and AvgPool (nn_ops.cc): NHWC, ksize and strides as 4-int lists, padding SAME
// or VALID. SAME padding never enters a window: MaxPool ignores it, AvgPool divides by the
// number of real elements in the window (TF's avg_pooling_op.cc). Runs kernels::Pool2D.
#include "kernels/pool.h"

#include <algorithm>
#include <vector>

#include "runtime/opset.h"
#include "runtime/optimize/fused_attrs.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

// The float32 NHWC input of a 2-D pool and its two windows (H, W); errors name the node.
struct Pool2DInput {
  const Tensor* x = nullptr;
  Window h, w;
};
// With `windows` false only the input is checked (a fused MaxPool sizes its own windows).
StatusOr<Pool2DInput> ReadPool2DInput(runtime::OpContext& ctx, const PoolWindowAttrs& a,
                                      bool windows = true) {
  Pool2DInput in;
  in.x = ctx.input(0);
  if (!in.x) return ctx.Error("missing input 0");
  if (in.x->rank() != 4 || in.x->dtype() != DataType::kFloat32)
    return ctx.Error("input " + in.x->DebugString() + " must be float32 of rank 4");
  if (!windows) return in;
  auto wh = ComputeWindow(in.x->dim(1), a.ksize[1], a.strides[1], 1, a.padding, 0, 0);
  auto ww = ComputeWindow(in.x->dim(2), a.ksize[2], a.strides[2], 1, a.padding, 0, 0);
  if (!wh.ok()) return ctx.Error(wh.status().message());
  if (!ww.ok()) return ctx.Error(ww.status().message());
  in.h = *wh;
  in.w = *ww;
  return in;
}

template <bool kMax>
class Pool final : public runtime::Op {
 public:
  explicit Pool(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(Pool2DInput in, ReadPool2DInput(ctx, attrs_, fused_pads_.empty()));
    const Tensor* x = in.x;
    const int64_t n = x->dim(0), ih = x->dim(1), iw = x->dim(2), c = x->dim(3);
    kernels::PoolParams p;
    p.kind = kMax ? kernels::PoolKind::kMax : kernels::PoolKind::kAverage;
    p.layout = kernels::Layout::kNHWC;
    p.batch = n;
    p.channels = c;
    p.in_h = ih;
    p.in_w = iw;
    p.kernel_h = attrs_.ksize[1];
    p.kernel_w = attrs_.ksize[2];
    p.stride_h = attrs_.strides[1];
    p.stride_w = attrs_.strides[2];
    if (fused_pads_.empty()) {
      p.out_h = in.h.out;
      p.out_w = in.w.out;
      p.pad_top = in.h.pad_before;
      p.pad_left = in.w.pad_before;
      // SAME's padding after: whatever the last window hangs past the input.
      p.pad_bottom =
          std::max<int64_t>((p.out_h - 1) * p.stride_h + p.kernel_h - ih - p.pad_top, 0);
      p.pad_right =
          std::max<int64_t>((p.out_w - 1) * p.stride_w + p.kernel_w - iw - p.pad_left, 0);
    } else {  // a folded PadV2 of -inf (runtime/optimize/fuse_tf.cc)
      p.pad_top = fused_pads_[0];
      p.pad_left = fused_pads_[1];
      p.pad_bottom = fused_pads_[2];
      p.pad_right = fused_pads_[3];
      p.out_h = kernels::PoolParams::OutputSize(ih, p.kernel_h, p.stride_h, 1, p.pad_top,
                                                p.pad_bottom, false);
      p.out_w = kernels::PoolParams::OutputSize(iw, p.kernel_w, p.stride_w, 1, p.pad_left,
                                                p.pad_right, false);
    }
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
    if (info.node().has_attr(runtime::optimize::kPoolPadsAttr)) {
      fused_pads_ = info.node().GetInts(runtime::optimize::kPoolPadsAttr);
      if (!kMax || fused_pads_.size() != 4) return info.Error("bad fused pooling pads");
    }
    return attrs_.Read(info, 4);
  }

  PoolWindowAttrs attrs_;
  std::vector<int64_t> fused_pads_;  // [top, left, bottom, right], or empty
};

// TF MaxPoolWithArgmax (nn_ops.cc): MaxPool's output and, per output element, the flat index
// of the maximum in the NHWC input: ((b * H + y) * W + x) * C + c, without the b term unless
// include_batch_in_index. The first maximum in the window (row-major) wins, as in TF's CPU
// kernel (strictly greater replaces). Targmax int64 (TF's CPU kernel) or int32.
class MaxPoolWithArgmax final : public runtime::Op {
 public:
  explicit MaxPoolWithArgmax(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(Pool2DInput in, ReadPool2DInput(ctx, attrs_));
    const Tensor* x = in.x;
    const int64_t n = x->dim(0), ih = x->dim(1), iw = x->dim(2), c = x->dim(3);
    const int64_t oh = in.h.out, ow = in.w.out;
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{n, oh, ow, c}));
    FERRY_ASSIGN_OR_RETURN(Tensor * arg, ctx.Output(1, targmax_, Shape{n, oh, ow, c}));
    const float* xp = x->data<float>();
    float* yp = out->data<float>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t oy = 0; oy < oh; ++oy)
        for (int64_t ox = 0; ox < ow; ++ox)
          for (int64_t ch = 0; ch < c; ++ch) {
            float best = 0.f;
            int64_t best_at = -1;
            for (int64_t ky = 0; ky < attrs_.ksize[1]; ++ky) {
              const int64_t y = oy * attrs_.strides[1] - in.h.pad_before + ky;
              if (y < 0 || y >= ih) continue;
              for (int64_t kx = 0; kx < attrs_.ksize[2]; ++kx) {
                const int64_t xx = ox * attrs_.strides[2] - in.w.pad_before + kx;
                if (xx < 0 || xx >= iw) continue;
                const int64_t at = ((b * ih + y) * iw + xx) * c + ch;
                if (best_at < 0 || xp[at] > best) best = xp[at], best_at = at;
              }
            }
            const int64_t o = ((b * oh + oy) * ow + ox) * c + ch;
            const int64_t index = include_batch_ ? best_at : best_at - b * ih * iw * c;
            yp[o] = best;
            if (targmax_ == DataType::kInt64)
              arg->data<int64_t>()[o] = index;
            else
              arg->data<int32_t>()[o] = static_cast<int32_t>(index);
          }
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    include_batch_ = BoolAttr(info, "include_batch_in_index", false);
    const ir::Attribute* t = info.node().attr("Targmax");
    targmax_ = t && t->kind() == ir::AttrKind::kType ? t->type() : DataType::kInt64;
    if (targmax_ != DataType::kInt64 && targmax_ != DataType::kInt32)
      return info.Error("Targmax must be int32 or int64");
    return attrs_.Read(info, 4);
  }

  PoolWindowAttrs attrs_;
  bool include_batch_ = false;
  DataType targmax_ = DataType::kInt64;
};

}  // namespace

void RegisterPool(runtime::OpSet& s) {
  s.Add<MaxPoolWithArgmax>("MaxPoolWithArgmax", 1, "tf");
  s.Add<Pool<true>>("MaxPool", 1, "tf");
  s.Add<Pool<false>>("AvgPool", 1, "tf");
}

}  // namespace ferry::tf::ops
