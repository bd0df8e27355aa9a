// Reference 2-D pooling. The average divisor follows onnxruntime/PyTorch: with
// count_include_pad the window is clipped to the padded input (so a ceil-mode window that
// hangs past the right padding counts only up to it), without it to the input itself.
#pragma once

#include <algorithm>
#include <limits>

#include "kernels/pool.h"

namespace ferry::kernels::reference {

inline void Pool2D(const PoolParams& p, const float* x, float* y) {
  auto x_at = [&](int64_t n, int64_t c, int64_t h, int64_t w) {
    return p.layout == Layout::kNCHW ? ((n * p.channels + c) * p.in_h + h) * p.in_w + w
                                     : ((n * p.in_h + h) * p.in_w + w) * p.channels + c;
  };
  auto y_at = [&](int64_t n, int64_t c, int64_t h, int64_t w) {
    return p.layout == Layout::kNCHW ? ((n * p.channels + c) * p.out_h + h) * p.out_w + w
                                     : ((n * p.out_h + h) * p.out_w + w) * p.channels + c;
  };
  for (int64_t n = 0; n < p.batch; ++n)
    for (int64_t c = 0; c < p.channels; ++c)
      for (int64_t oh = 0; oh < p.out_h; ++oh)
        for (int64_t ow = 0; ow < p.out_w; ++ow) {
          float mx = -std::numeric_limits<float>::infinity();
          double sum = 0.0;
          int64_t inside = 0, padded = 0;
          for (int64_t kh = 0; kh < p.kernel_h; ++kh) {
            const int64_t ih = oh * p.stride_h - p.pad_top + kh * p.dilation_h;
            for (int64_t kw = 0; kw < p.kernel_w; ++kw) {
              const int64_t iw = ow * p.stride_w - p.pad_left + kw * p.dilation_w;
              if (ih < p.in_h + p.pad_bottom && iw < p.in_w + p.pad_right) ++padded;
              if (ih < 0 || ih >= p.in_h || iw < 0 || iw >= p.in_w) continue;
              const float v = x[x_at(n, c, ih, iw)];
              mx = std::max(mx, v);
              sum += v;
              ++inside;
            }
          }
          float out;
          if (p.kind == PoolKind::kMax) {
            out = mx;
          } else {
            const int64_t count = p.count_include_pad ? padded : inside;
            out = count > 0 ? static_cast<float>(sum / count) : 0.0f;
          }
          y[y_at(n, c, oh, ow)] = out;
        }
}

inline void GlobalAveragePool(Layout layout, int64_t batch, int64_t channels, int64_t spatial,
                              const float* x, float* y) {
  for (int64_t n = 0; n < batch; ++n)
    for (int64_t c = 0; c < channels; ++c) {
      double sum = 0.0;
      for (int64_t s = 0; s < spatial; ++s)
        sum += layout == Layout::kNCHW ? x[(n * channels + c) * spatial + s]
                                       : x[(n * spatial + s) * channels + c];
      y[n * channels + c] = static_cast<float>(sum / spatial);
    }
}

}  // namespace ferry::kernels::reference
