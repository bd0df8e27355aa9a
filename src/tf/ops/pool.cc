// TF MaxPool and AvgPool (nn_ops.cc): NHWC, ksize and strides as 4-int lists, padding SAME
// or VALID. SAME padding never enters a window: MaxPool ignores it, AvgPool divides by the
// number of real elements in the window (TF's avg_pooling_op.cc).
#include <algorithm>
#include <limits>
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
    const int64_t oh = wh->out, ow = ww->out;
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{n, oh, ow, c}));
    const float* in = x->data<float>();
    float* o = out->data<float>();
    std::vector<float> acc(c);
    for (int64_t b = 0; b < n; ++b) {
      for (int64_t y = 0; y < oh; ++y) {
        const int64_t y0 = y * strides_[1] - wh->pad_before;
        const int64_t ys = std::max<int64_t>(y0, 0), ye = std::min(y0 + ksize_[1], ih);
        for (int64_t xo = 0; xo < ow; ++xo) {
          const int64_t x0 = xo * strides_[2] - ww->pad_before;
          const int64_t xs = std::max<int64_t>(x0, 0), xe = std::min(x0 + ksize_[2], iw);
          std::fill(acc.begin(), acc.end(),
                    kMax ? -std::numeric_limits<float>::infinity() : 0.f);
          for (int64_t iy = ys; iy < ye; ++iy) {
            for (int64_t ix = xs; ix < xe; ++ix) {
              const float* p = in + ((b * ih + iy) * iw + ix) * c;
              for (int64_t k = 0; k < c; ++k) {
                if constexpr (kMax) {
                  acc[k] = std::max(acc[k], p[k]);
                } else {
                  acc[k] += p[k];
                }
              }
            }
          }
          float* po = o + ((b * oh + y) * ow + xo) * c;
          const float count = static_cast<float>(std::max<int64_t>((ye - ys) * (xe - xs), 1));
          for (int64_t k = 0; k < c; ++k) po[k] = kMax ? acc[k] : acc[k] / count;
        }
      }
    }
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
