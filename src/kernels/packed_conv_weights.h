// Convolution weights packed for ferry's own kernels (kernels/conv3x3.h, conv7x7s2.h): output
// channels in blocks of 32 (two zmm vectors), 64-byte aligned, one of two orders:
//   kTapsOuter     [out_channels / 32][kh * kw][in_channels][32]  (conv3x3: a tap's channels
//                  stream through the tile's inner loop)
//   kChannelsOuter [out_channels / 32][in_channels][kh * kw][32]  (conv7x7s2: a channel's
//                  7 x 7 taps unroll)
#pragma once

#include <cstdint>
#include <memory>

#include "kernels/conv.h"

namespace ferry::kernels {

struct PackedConvWeights {
  static constexpr int64_t kBlock = 32;
  enum class Order { kTapsOuter, kChannelsOuter };

  // Packs `w` (p.weight_layout, one group, p's channels and kernel).
  static PackedConvWeights Pack(const ConvParams& p, const float* w, Order order);
  // The weights back in `layout` (for a kernel that cannot run a later shape).
  void Unpack(WeightLayout layout, float* w) const;

  // The first of the 32 weights of output block `block`, input channel `c`, tap `t`.
  const float* at(int64_t block, int64_t c, int64_t t) const {
    return data.get() + Offset(block, c, t);
  }

  Order order = Order::kTapsOuter;
  int64_t in_channels = 0, out_channels = 0, taps = 0;
  std::shared_ptr<float> data;

 private:
  int64_t Offset(int64_t block, int64_t c, int64_t t) const {
    return (order == Order::kTapsOuter ? (block * taps + t) * in_channels + c
                                       : (block * in_channels + c) * taps + t) *
           kBlock;
  }
};

}  // namespace ferry::kernels
