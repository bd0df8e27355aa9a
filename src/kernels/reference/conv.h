// Reference 2-D convolution: the definition, one output element at a time.
#pragma once

#include "kernels/conv.h"

namespace ferry::kernels::reference {

inline void Conv2D(const ConvParams& p, const float* x, const float* w, const float* b, float* y) {
  const int64_t oh_n = p.out_h(), ow_n = p.out_w();
  const int64_t ig_n = p.in_channels / p.groups, og_n = p.out_channels / p.groups;
  auto x_at = [&](int64_t n, int64_t c, int64_t h, int64_t ww) {
    return p.layout == Layout::kNCHW ? ((n * p.in_channels + c) * p.in_h + h) * p.in_w + ww
                                     : ((n * p.in_h + h) * p.in_w + ww) * p.in_channels + c;
  };
  auto y_at = [&](int64_t n, int64_t c, int64_t h, int64_t ww) {
    return p.layout == Layout::kNCHW ? ((n * p.out_channels + c) * oh_n + h) * ow_n + ww
                                     : ((n * oh_n + h) * ow_n + ww) * p.out_channels + c;
  };
  auto w_at = [&](int64_t o, int64_t i, int64_t kh, int64_t kw) {
    return p.weight_layout == WeightLayout::kOIHW
               ? ((o * ig_n + i) * p.kernel_h + kh) * p.kernel_w + kw
               : ((kh * p.kernel_w + kw) * ig_n + i) * p.out_channels + o;
  };
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t o = 0; o < p.out_channels; ++o) {
      const int64_t g = o / og_n;
      for (int64_t oh = 0; oh < oh_n; ++oh)
        for (int64_t ow = 0; ow < ow_n; ++ow) {
          double acc = b ? b[o] : 0.0;
          for (int64_t i = 0; i < ig_n; ++i)
            for (int64_t kh = 0; kh < p.kernel_h; ++kh) {
              const int64_t ih = oh * p.stride_h - p.pad_top + kh * p.dilation_h;
              if (ih < 0 || ih >= p.in_h) continue;
              for (int64_t kw = 0; kw < p.kernel_w; ++kw) {
                const int64_t iw = ow * p.stride_w - p.pad_left + kw * p.dilation_w;
                if (iw < 0 || iw >= p.in_w) continue;
                acc +=
                    static_cast<double>(x[x_at(n, g * ig_n + i, ih, iw)]) * w[w_at(o, i, kh, kw)];
              }
            }
          y[y_at(n, o, oh, ow)] = p.activation.Apply(static_cast<float>(acc));
        }
    }
}

}  // namespace ferry::kernels::reference
