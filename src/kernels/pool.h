// 2-D pooling and global average pooling, in NCHW or NHWC. Fast path: oneDNN; oracle:
// reference/pool.h.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"
#include "kernels/layout.h"

namespace ferry::kernels {

enum class PoolKind { kMax, kAverage };

struct PoolParams {
  PoolKind kind = PoolKind::kMax;
  Layout layout = Layout::kNCHW;
  int64_t batch = 1, channels = 0;
  int64_t in_h = 0, in_w = 0;
  int64_t kernel_h = 1, kernel_w = 1;
  int64_t stride_h = 1, stride_w = 1;
  int64_t dilation_h = 1, dilation_w = 1;
  int64_t pad_top = 0, pad_left = 0, pad_bottom = 0, pad_right = 0;
  // Output size, chosen by the caller: floor or ceil rounding (ONNX ceil_mode) or TF's
  // SAME/VALID. Windows past the padded input (ceil mode) only see the elements inside it.
  int64_t out_h = 0, out_w = 0;
  // Average only: divide by the window size including padding (ONNX count_include_pad=1)
  // or by the number of input elements in the window (TF, ONNX default).
  bool count_include_pad = false;

  // out_h/out_w for floor (ceil_mode false) or ceil rounding. Ceil mode drops a last window
  // that would start in the right padding (ONNX/PyTorch convention).
  static int64_t OutputSize(int64_t in, int64_t kernel, int64_t stride, int64_t dilation,
                            int64_t pad_begin, int64_t pad_end, bool ceil_mode);
  Status Validate() const;
  std::string ToString() const;
};

Status Pool2D(const PoolParams& p, const float* x, float* y, int num_threads);

// Max pooling (NCHW only) that also writes, per output, the flat index into x of the first
// maximum: ((n * C + c) * H + h) * W + w, or ((n * C + c) * W + w) * H + h when column_major
// (ONNX MaxPool-8 Indices with storage_order). Padding is never selected.
Status MaxPool2DWithIndices(const PoolParams& p, const float* x, float* y, int64_t* indices,
                            bool column_major);

// Mean over the spatial dims: x [N, C, spatial] (kNCHW) or [N, spatial, C] (kNHWC) ->
// y [N, C]. spatial is the product of all spatial dims.
void GlobalAveragePool(Layout layout, int64_t batch, int64_t channels, int64_t spatial,
                       const float* x, float* y);

}  // namespace ferry::kernels
