// ferry's own direct 3x3 convolution (stride 1, padding 1) of channels-last float data, on
// AVX-512: the layers where it beats oneDNN 2.6's brgconv on this CPU (ResNet's 3x3 stages,
// docs/PERFORMANCE.md). ConstantWeightConv2D (kernels/onednn/conv.cc) chooses it; the
// reference kernel (reference/conv.h) is its oracle.
//
// An output tile is 14 pixels of one row x 32 output channels, held in 28 zmm registers
// while the 3 x 3 x in_channels taps stream through: per input channel, two weight vectors
// and 14 broadcasts feed 28 FMAs. Taps left or right of the row are skipped, not padded.
#pragma once

#include <cstdint>
#include "kernels/conv.h"
#include "kernels/packed_conv_weights.h"

namespace ferry::kernels {

// Whether Conv3x3 computes `p`: a 3x3 kernel, stride 1, dilation 1, padding 1 on every side,
// one group, out_channels a multiple of 32, a width that is a multiple of 7, activation none
// or Relu, on a CPU with AVX-512F. Buffers are channels-last ([n, h, w, c]) whatever
// p.layout says.
bool Conv3x3Applies(const ConvParams& p);

// Packs `w` (p.weight_layout, p's channels, a 3x3 kernel) for Conv3x3.
PackedConvWeights PackConv3x3Weights(const ConvParams& p, const float* w);

// y = act(conv(x, w) + b + residual), for Conv3x3Applies(p). x is [n, h, w, in_channels],
// y and residual (or nullptr; it may be y itself) [n, h, w, out_channels]; b has
// out_channels elements or is nullptr. Runs on up to num_threads OpenMP threads; every
// output is summed in one fixed order, so results do not depend on the thread count.
void Conv3x3(const ConvParams& p, const float* x, const PackedConvWeights& w, const float* b,
             const float* residual, float* y, int num_threads);

}  // namespace ferry::kernels
