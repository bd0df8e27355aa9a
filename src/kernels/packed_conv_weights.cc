#include "kernels/packed_conv_weights.h"

#include <cstdlib>

#include "core/aligned_alloc.h"

namespace ferry::kernels {

PackedConvWeights PackedConvWeights::Pack(const ConvParams& p, const float* w, Order order) {
  PackedConvWeights out;
  out.order = order;
  out.in_channels = p.in_channels;
  out.out_channels = p.out_channels;
  out.taps = p.kernel_h * p.kernel_w;
  const int64_t c = out.in_channels, k = out.out_channels, taps = out.taps;
  out.data.reset(static_cast<float*>(AllocateTensorStorage(sizeof(float) * taps * c * k)),
                 [](float* f) { std::free(f); });
  float* d = out.data.get();
  for (int64_t o = 0; o < k; ++o)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t t = 0; t < taps; ++t)  // t = kh * kernel_w + kw
        d[out.Offset(o / kBlock, i, t) + o % kBlock] =
            p.weight_layout == WeightLayout::kOIHW ? w[(o * c + i) * taps + t]
                                                   : w[(t * c + i) * k + o];
  return out;
}

void PackedConvWeights::Unpack(WeightLayout layout, float* w) const {
  const int64_t c = in_channels, k = out_channels;
  for (int64_t o = 0; o < k; ++o)
    for (int64_t i = 0; i < c; ++i)
      for (int64_t t = 0; t < taps; ++t) {
        const float v = at(o / kBlock, i, t)[o % kBlock];
        if (layout == WeightLayout::kOIHW) {
          w[(o * c + i) * taps + t] = v;
        } else {
          w[(t * c + i) * k + o] = v;
        }
      }
}

}  // namespace ferry::kernels
