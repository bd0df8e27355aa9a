// TF Conv2D (nn_ops.cc): input NHWC, filter HWIO [kh, kw, in, out], strides and dilations
// as 4-int NHWC lists, padding SAME / VALID / EXPLICIT (explicit_paddings: 8 ints, NHWC
// pairs). No oneDNN NHWC conv kernel is exported by src/kernels yet, so the maths is local:
// output channels innermost, so the inner loop runs over contiguous HWIO filter rows.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Conv2D final : public runtime::Op {
 public:
  explicit Conv2D(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* w = ctx.input(1);
    if (!x || !w) return ctx.Error("missing input");
    if (x->rank() != 4 || w->rank() != 4)
      return ctx.Error("input " + x->shape().ToString() + " and filter " + w->shape().ToString() +
                       " must both have rank 4");
    if (x->dtype() != DataType::kFloat32 || w->dtype() != DataType::kFloat32)
      return ctx.Error("only float32 is supported");
    const int64_t n = x->dim(0), ih = x->dim(1), iw = x->dim(2), ic = x->dim(3);
    const int64_t kh = w->dim(0), kw = w->dim(1), oc = w->dim(3);
    if (w->dim(2) != ic)
      return ctx.Error("filter " + w->shape().ToString() + " expects " +
                       std::to_string(w->dim(2)) + " input channels, input has " +
                       std::to_string(ic));
    auto wh = ComputeWindow(ih, kh, strides_[1], dilations_[1], padding_, pads_[2], pads_[3]);
    auto ww = ComputeWindow(iw, kw, strides_[2], dilations_[2], padding_, pads_[4], pads_[5]);
    if (!wh.ok()) return ctx.Error(wh.status().message());
    if (!ww.ok()) return ctx.Error(ww.status().message());
    const int64_t oh = wh->out, ow = ww->out;
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{n, oh, ow, oc}));
    const float* in = x->data<float>();
    const float* f = w->data<float>();
    float* o = out->data<float>();
    const int64_t sh = strides_[1], sw = strides_[2], dh = dilations_[1], dw = dilations_[2];
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t y = 0; y < oh; ++y) {
        for (int64_t xo = 0; xo < ow; ++xo) {
          float* acc = o + ((b * oh + y) * ow + xo) * oc;
          for (int64_t c = 0; c < oc; ++c) acc[c] = 0.f;
          for (int64_t ky = 0; ky < kh; ++ky) {
            const int64_t iy = y * sh - wh->pad_before + ky * dh;
            if (iy < 0 || iy >= ih) continue;
            for (int64_t kx = 0; kx < kw; ++kx) {
              const int64_t ix = xo * sw - ww->pad_before + kx * dw;
              if (ix < 0 || ix >= iw) continue;
              const float* px = in + ((b * ih + iy) * iw + ix) * ic;
              const float* pf = f + (ky * kw + kx) * ic * oc;
              for (int64_t ci = 0; ci < ic; ++ci) {
                const float v = px[ci];
                const float* row = pf + ci * oc;
                for (int64_t c = 0; c < oc; ++c) acc[c] += v * row[c];
              }
            }
          }
        }
      }
    }
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    FERRY_RETURN_IF_ERROR(RequireNhwc(info));
    FERRY_ASSIGN_OR_RETURN(strides_, IntsAttr(info, "strides", true));
    FERRY_ASSIGN_OR_RETURN(dilations_, IntsAttr(info, "dilations", false, {1, 1, 1, 1}));
    FERRY_ASSIGN_OR_RETURN(padding_, StringAttr(info, "padding", true));
    FERRY_ASSIGN_OR_RETURN(pads_, IntsAttr(info, "explicit_paddings", false));
    if (strides_.size() != 4 || dilations_.size() != 4)
      return info.Error("strides and dilations must have 4 entries");
    if (strides_[0] != 1 || strides_[3] != 1 || dilations_[0] != 1 || dilations_[3] != 1)
      return info.Error("strides and dilations on the batch and depth dims must be 1");
    if (padding_ == "EXPLICIT") {
      if (pads_.size() != 8) return info.Error("explicit_paddings must have 8 entries");
      if (pads_[0] || pads_[1] || pads_[6] || pads_[7])
        return info.Error("explicit_paddings on the batch and depth dims must be 0");
    } else {
      pads_.assign(8, 0);
    }
    return Status::Ok();
  }

  std::vector<int64_t> strides_, dilations_, pads_;
  std::string padding_;
};

}  // namespace

void RegisterConv2D(runtime::OpSet& s) { s.Add<Conv2D>("Conv2D", 1, "tf"); }

}  // namespace ferry::tf::ops
