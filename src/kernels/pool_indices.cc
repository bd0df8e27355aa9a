// Max pooling with argmax indices: plain loops, as only exported training graphs and the
// ONNX corpus ask for the Indices output.
#include <limits>

#include "kernels/pool.h"

namespace ferry::kernels {

Status MaxPool2DWithIndices(const PoolParams& p, const float* x, float* y, int64_t* indices,
                            bool column_major) {
  FERRY_RETURN_IF_ERROR(p.Validate());
  if (p.layout != Layout::kNCHW || p.kind != PoolKind::kMax)
    return InvalidArgument("MaxPool2DWithIndices: NCHW max pooling only, got " + p.ToString());
  for (int64_t nc = 0; nc < p.batch * p.channels; ++nc) {
    const float* xp = x + nc * p.in_h * p.in_w;
    for (int64_t oh = 0; oh < p.out_h; ++oh)
      for (int64_t ow = 0; ow < p.out_w; ++ow) {
        float best = -std::numeric_limits<float>::infinity();
        int64_t best_h = -1, best_w = -1;
        for (int64_t kh = 0; kh < p.kernel_h; ++kh) {
          const int64_t ih = oh * p.stride_h - p.pad_top + kh * p.dilation_h;
          if (ih < 0 || ih >= p.in_h) continue;
          for (int64_t kw = 0; kw < p.kernel_w; ++kw) {
            const int64_t iw = ow * p.stride_w - p.pad_left + kw * p.dilation_w;
            if (iw < 0 || iw >= p.in_w) continue;
            const float v = xp[ih * p.in_w + iw];
            if (best_h < 0 || v > best) {
              best = v;
              best_h = ih;
              best_w = iw;
            }
          }
        }
        const int64_t o = (nc * p.out_h + oh) * p.out_w + ow;
        y[o] = best;
        const int64_t local = column_major ? best_w * p.in_h + best_h : best_h * p.in_w + best_w;
        indices[o] = best_h < 0 ? -1 : nc * p.in_h * p.in_w + local;
      }
  }
  return Status::Ok();
}

}  // namespace ferry::kernels
