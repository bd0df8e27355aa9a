// Attribute handling shared by the MaxPool and AveragePool converters (1-D, 2-D, 3-D).
#pragma once

#include "convert/onnx_to_tf/ops/spatial.h"

namespace ferry::convert::onnx_to_tf::ops {

struct PoolParams {
  int rank = 0;         // ONNX input rank (3, 4 or 5)
  NdWindow w;           // 2-D for a 1-D pool (lifted, see spatial.h); pads may include the
                        // ceil-mode extension (see ReadPoolParams)
  NdWindow onnx;        // the window as ONNX states it (unlifted, no ceil extension)
  bool ceil = false;    // ceil_mode = 1 that changes the output size
  std::string padding;  // TF padding equivalent to w.pads: VALID, SAME or EXPLICIT
  int tf_rank() const { return rank == 3 ? 4 : rank; }
};

// Reads kernel_shape, strides, dilations (must be 1 unless allow_dilations, and on 3-D pools:
// TF pools have none), auto_pad/pads and ceil_mode for an input of rank 3, 4 or 5. A ceil_mode that changes the output size becomes
// extra end padding (ceil = true; the caller pads with -inf, or corrects the average's
// divisor); it needs static spatial dims.
StatusOr<PoolParams> ReadPoolParams(const ir::Node& n, const ValueFacts& x,
                                    bool allow_dilations = false);
// Output facts of an ONNX pool: [N, C, out...].
void InferPool(const ir::Node& n, InferContext& ctx);
// Emits MaxPool / AvgPool (rank 4) or MaxPool3D / AvgPool3D (rank 5) over x.
ir::Value* EmitPool(TfBuilder& b, bool max, const PoolParams& p, ir::Value* x,
                    const std::string& padding, const std::string& name);

}  // namespace ferry::convert::onnx_to_tf::ops
