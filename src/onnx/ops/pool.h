// Shared by MaxPool and AveragePool: builds kernels::PoolParams from the node's spatial
// attributes and an NCHW input.
#pragma once

#include "kernels/pool.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {

StatusOr<kernels::PoolParams> MakePoolParams(const OpContext& ctx, const SpatialAttrs& attrs,
                                             kernels::PoolKind kind, bool count_include_pad);

// Runs a pool whose params MakePoolParams built; allocates output 0.
Status RunPool(OpContext& ctx, const SpatialAttrs& attrs, kernels::PoolKind kind,
               bool count_include_pad);

}  // namespace ferry::onnx::ops
