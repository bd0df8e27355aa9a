// TF Dilation2D(input, filter) (nn_ops.cc): grayscale morphological dilation of NHWC input
// [N, H, W, C] by filter [kh, kw, C]:
//   out[b, y, x, c] = max over (i, j) of input[b, y * sh + i * rh - pt, x * sw + j * rw - pl, c]
//                                       + filter[i, j, c],
// strides [1, sh, sw, 1], rates [1, rh, rw, 1], padding SAME or VALID over the dilated window
// (rh * (kh - 1) + 1); positions outside the input are skipped (TF's dilation_ops.cc), so with
// a zero filter it is a dilated max pool.
#include <limits>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/conv_common.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Dilation2D final : public runtime::Op {
 public:
  explicit Dilation2D(const runtime::NodeInfo& info) { init_status_ = Init(info); }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* f = ctx.input(1);
    if (!x || !f) return ctx.Error("missing input");
    if (x->rank() != 4 || f->rank() != 3 || x->dtype() != DataType::kFloat32 ||
        f->dtype() != DataType::kFloat32 || f->dim(2) != x->dim(3))
      return ctx.Error("input " + x->DebugString() + " and filter " + f->DebugString() +
                       " must be float32 [N, H, W, C] and [kh, kw, C]");
    const int64_t n = x->dim(0), h = x->dim(1), w = x->dim(2), c = x->dim(3);
    const int64_t kh = f->dim(0), kw = f->dim(1);
    auto wy = ResolveWindow(h, kh, strides_[1], rates_[1], padding_, 0, 0);
    auto wx = ResolveWindow(w, kw, strides_[2], rates_[2], padding_, 0, 0);
    if (!wy.ok()) return ctx.Error(wy.status().message());
    if (!wx.ok()) return ctx.Error(wx.status().message());
    const int64_t oh = wy->out, ow = wx->out;
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{n, oh, ow, c}));
    const float* px = x->data<float>();
    const float* pf = f->data<float>();
    float* po = out->data<float>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t y = 0; y < oh; ++y)
        for (int64_t xo = 0; xo < ow; ++xo)
          for (int64_t ch = 0; ch < c; ++ch) {
            float best = -std::numeric_limits<float>::infinity();
            for (int64_t i = 0; i < kh; ++i) {
              const int64_t hi = y * strides_[1] + i * rates_[1] - wy->before;
              if (hi < 0 || hi >= h) continue;
              for (int64_t j = 0; j < kw; ++j) {
                const int64_t wi = xo * strides_[2] + j * rates_[2] - wx->before;
                if (wi < 0 || wi >= w) continue;
                best = std::max(best, px[((b * h + hi) * w + wi) * c + ch] + pf[(i * kw + j) * c + ch]);
              }
            }
            po[((b * oh + y) * ow + xo) * c + ch] = best;
          }
    return Status::Ok();
  }

 private:
  Status Init(const runtime::NodeInfo& info) {
    FERRY_ASSIGN_OR_RETURN(strides_, IntsAttr(info, "strides", true));
    FERRY_ASSIGN_OR_RETURN(rates_, IntsAttr(info, "rates", true));
    FERRY_ASSIGN_OR_RETURN(padding_, StringAttr(info, "padding", true));
    if (strides_.size() != 4 || rates_.size() != 4)
      return info.Error("strides and rates must have 4 entries");
    if (strides_[0] != 1 || strides_[3] != 1 || rates_[0] != 1 || rates_[3] != 1)
      return info.Error("strides and rates on the batch and depth dims must be 1");
    if (padding_ != "SAME" && padding_ != "VALID")
      return info.Error("padding '" + padding_ + "' is not SAME or VALID");
    return Status::Ok();
  }

  std::vector<int64_t> strides_, rates_;
  std::string padding_;
};

}  // namespace

void RegisterDilation2D(runtime::OpSet& s) { s.Add<Dilation2D>("Dilation2D", 1, "tf"); }

}  // namespace ferry::tf::ops
