// 2-D convolution (cross-correlation, as in ONNX Conv-11 and TF Conv2D/DepthwiseConv2dNative).
// Fast path: oneDNN; oracle: reference/conv.h.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"
#include "kernels/layout.h"

namespace ferry::kernels {

struct ConvParams {
  Layout layout = Layout::kNCHW;
  WeightLayout weight_layout = WeightLayout::kOIHW;
  int64_t batch = 1;
  int64_t in_channels = 0;
  int64_t in_h = 0, in_w = 0;
  int64_t out_channels = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  // Asymmetric padding (ONNX pads = [top, left, bottom, right]; TF SAME computes these).
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  int64_t groups = 1;  // depthwise: groups == in_channels
  FusedActivation activation;

  int64_t out_h() const {
    return (in_h + pad_top + pad_bottom - dilation_h * (kernel_h - 1) - 1) / stride_h + 1;
  }
  int64_t out_w() const {
    return (in_w + pad_left + pad_right - dilation_w * (kernel_w - 1) - 1) / stride_w + 1;
  }
  // Element counts of x, w and y for these parameters.
  int64_t x_size() const { return batch * in_channels * in_h * in_w; }
  int64_t w_size() const { return out_channels * (in_channels / groups) * kernel_h * kernel_w; }
  int64_t y_size() const { return batch * out_channels * out_h() * out_w(); }
  // Checks every field is consistent (channels divisible by groups, positive strides, an
  // output of at least one pixel, ...).
  Status Validate() const;
  std::string ToString() const;  // for error messages and test failures
};

// y = act(conv(x, w) + b). x and y are in p.layout, w in p.weight_layout, b has
// out_channels elements or is nullptr. Runs on up to num_threads threads.
Status Conv2D(const ConvParams& p, const float* x, const float* w, const float* b, float* y,
              int num_threads);

// Blocked activations: the layout oneDNN's fast convolutions compute in, handed from one
// convolution to the next without the two reorders a plain NCHW boundary costs. Which one
// depends on the CPU and oneDNN version, so it is asked once:
//   kChannelsLast  nhwc (oneDNN 2.6's brgconv kernels on AVX-512),
//   kBlocked16/8   nChw16c / nChw8c (the older jit kernels on AVX-512 / AVX2),
//   kPlain         oneDNN prefers NCHW: nothing is blocked.
enum class ConvBlocking { kPlain, kChannelsLast, kBlocked8, kBlocked16 };
ConvBlocking ConvPreferredBlocking();

// Storage dims of a blocked activation of logical shape [n, c, h, w]: [n, ceil(c / B), h,
// w, B] for nChwBc (channel c at [n, c / B, h, w, c % B], padding channels zero), and
// [n, 1, h, w, c] for channels-last (nChwBc with B = c is exactly nhwc). Empty for kPlain.
std::vector<int64_t> ConvBlockedDims(int64_t n, int64_t c, int64_t h, int64_t w);

// Storage dims of a nChw16c activation of logical shape [n, c, h, w]: [n, ceil(c / 16), h,
// w, 16]. The layout of oneDNN's Winograd convolutions: where the preferred blocking is
// another one, the optimizer may hand nChw16c between two Winograd candidates
// (ConvWinogradCandidate) instead, saving the reorders in and out of each.
std::vector<int64_t> ConvBlocked16Dims(int64_t n, int64_t c, int64_t h, int64_t w);

// Winograd is opt-in: FERRY_CONV_WINOGRAD=1 in the environment (read on each call). It is
// faster on ResNet-style 64-channel layers but rounds differently from the direct kernels:
// its error grows with the magnitude of the terms summed, not of the result (on unit-scale
// random weights, 5e-3 absolute on an output of -2.3), too much to be ferry's default.
bool ConvWinogradEnabled();

// Stride-1 3x3 convolutions of 64+ channels (multiples of 16) with at most 256 KiB of
// weights: run through Winograd when it is enabled and their constant weights allow
// (kernels/onednn/conv.cc says when).
bool ConvWinogradCandidate(int64_t in_channels, int64_t out_channels, int64_t kernel_h,
                           int64_t kernel_w, int64_t stride_h, int64_t stride_w,
                           int64_t dilation_h, int64_t dilation_w, int64_t groups);

// How many convolutions ferry's own kernels (kernels/conv3x3.h, conv7x7s2.h) have computed
// in this process, through ConstantWeightConv2D: lets a test check that a network takes them
// (a change to the layouts the optimizer hands over would otherwise only show as slower).
int64_t OwnConvolutionRuns();

// Buffers of one fused convolution. Blocked buffers (ConvBlockedDims, or ConvBlocked16Dims
// where *_16c is set) need Layout::kNCHW in the params.
struct ConvTensors {
  const float* x = nullptr;
  bool x_blocked = false;
  bool x_16c = false;
  const float* w = nullptr;
  const float* b = nullptr;  // or nullptr
  // When set: y = act(conv(x, w) + b + residual), through oneDNN's sum post-op. Same logical
  // shape as y (a residual connection); may be y itself.
  const float* residual = nullptr;
  bool residual_blocked = false;
  bool residual_16c = false;
  float* y = nullptr;
  bool y_blocked = false;
  bool y_16c = false;
};

// A convolution whose weights do not change between calls (graph initializers): keeps the
// oneDNN primitive per input shape and the weights reordered once into oneDNN's preferred
// format. Owned by one op; safe to call from several threads.
class ConstantWeightConv2D {
 public:
  ConstantWeightConv2D();
  ~ConstantWeightConv2D();
  ConstantWeightConv2D(const ConstantWeightConv2D&) = delete;
  ConstantWeightConv2D& operator=(const ConstantWeightConv2D&) = delete;
  // Same contract as Conv2D; w and b must hold the same values on every call.
  Status Run(const ConvParams& p, const float* x, const float* w, const float* b, float* y,
             int num_threads);
  // With blocked layouts and a residual (see ConvTensors). After Pack, t.w may be nullptr.
  Status Run(const ConvParams& p, const ConvTensors& t, int num_threads);
  // Before any run: prepares the primitive for `p` and the layouts of `t` (only t.w, t.b
  // and the layout flags are read) and copies t.w into the weights format it wants. That
  // copy is kept as the master: shapes whose primitive wants another format are reordered
  // from it, so the caller's weights are never read again and may be freed.
  Status Pack(const ConvParams& p, const ConvTensors& t, int num_threads);
  bool packed() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace ferry::kernels
