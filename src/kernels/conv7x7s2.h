// ferry's own first convolution of ResNet-style networks: 7x7, stride 2, padding 3, a few
// input channels read straight from the network's NCHW input, output channels-last, on
// AVX-512. oneDNN 2.6's fast kernel for it wants channels-last input, which costs a
// transpose of the input on every run; this one reads NCHW in place (docs/PERFORMANCE.md).
// ConstantWeightConv2D (kernels/onednn/conv.cc) chooses it; the reference kernel
// (reference/conv.h) is its oracle.
//
// Same register tile as kernels/conv3x3.h: 14 output pixels of one row x 32 output
// channels in 28 zmm registers; per tap, two weight vectors and 14 broadcasts of every
// second input pixel. Taps left and right of the row are skipped at compile time.
#pragma once

#include <cstdint>
#include "kernels/conv.h"
#include "kernels/packed_conv_weights.h"

namespace ferry::kernels {

// Whether Conv7x7s2 computes `p`: 7x7 kernel, stride 2, dilation 1, padding 3 on every
// side, one group, 1 to 4 input channels, out_channels a multiple of 32, an even input
// width whose output width is a multiple of 14 and at least 28, activation none or Relu,
// on a CPU with AVX-512F.
bool Conv7x7s2Applies(const ConvParams& p);

// Packs `w` (p.weight_layout, p's channels, a 7x7 kernel) for Conv7x7s2.
PackedConvWeights PackConv7x7s2Weights(const ConvParams& p, const float* w);

// y = act(conv(x, w) + b), for Conv7x7s2Applies(p). x is NCHW [n, in_channels, h, w], y
// channels-last [n, out_h, out_w, out_channels]; b has out_channels elements or is nullptr.
// Runs on up to num_threads OpenMP threads; every output is summed in one fixed order.
void Conv7x7s2(const ConvParams& p, const float* x, const PackedConvWeights& w, const float* b,
               float* y, int num_threads);

}  // namespace ferry::kernels
