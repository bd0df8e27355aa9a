// Direct N-D convolution, transposed convolution and pooling (any number of spatial dims) for the
// shapes the oneDNN 2-D path does not cover: 3-D Conv and pools, every ConvTranspose. Plain loops;
// the oracle is the same formula written per output element in reference/conv.h.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"

namespace ferry::kernels {

struct ConvNdParams {
  int64_t batch = 1;
  int64_t in_channels = 1;
  int64_t out_channels = 1;
  int64_t groups = 1;
  std::vector<int64_t> in;          // input spatial dims
  std::vector<int64_t> kernel;      // kernel spatial dims
  std::vector<int64_t> out;         // output spatial dims (the caller computes them)
  std::vector<int64_t> strides;     // per spatial dim
  std::vector<int64_t> dilations;   // per spatial dim
  std::vector<int64_t> pads_begin;  // per spatial dim
};

// Convolution: x [N, C, in...], w [M, C / groups, kernel...], optional bias [M], y
// [N, M, out...]; out[d] must equal (in + pads - dilated kernel) / stride + 1.
void ConvNd(const ConvNdParams& p, const float* x, const float* w, const float* bias, float* y);

// Transposed convolution (the gradient of ConvNd with respect to its input): x [N, C, in...],
// w [C, M / groups, kernel...], y [N, M, out...]: every x element scatters
// x * w into y at in_pos * stride + k * dilation - pads_begin, skipping what falls outside out.
void ConvTransposeNd(const ConvNdParams& p, const float* x, const float* w, const float* bias,
                     float* y);

// N-D max or average pooling of x [N * C planes, in...] into y [N * C planes, out...] with
// p's kernel, strides, dilations and pads_begin (channel fields unused). pads_end bounds the
// padded region: average pooling with count_include_pad divides by the window's positions
// inside [-pads_begin, in + pads_end), otherwise by its positions inside the input.
void PoolNd(bool max, const ConvNdParams& p, int64_t planes, const std::vector<int64_t>& pads_end,
            bool count_include_pad, const float* x, float* y);

}  // namespace ferry::kernels
