// TF sub-graphs for ONNX operands known only at run time (the axes, starts, pads, split sizes
// the node tests feed as graph inputs): they are computed with TF ops that take tensors
// (Sum's axes, StridedSlice's begin/end/strides, Pad's paddings, Reshape's shape), all in
// TF.js 4.22's op list. Layout: a value the plan keeps NHWC gets its run-time axes remapped
// through a constant table (GatherV2); see NormalizeAxes.
#pragma once

#include <string>
#include <vector>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {

// Emits a single-output TF op with attribute T = t (plus attrs); returns its output.
ir::Value* EmitT(TfBuilder& b, const std::string& op, std::vector<ir::Value*> ins, DataType t,
                 Attrs attrs = {}, const std::string& name = "");
// Cast of v to int32 / to dtype.
ir::Value* CastTo(TfBuilder& b, ir::Value* v, DataType to);
// Reshape of v to the constant shape dims.
ir::Value* ReshapeTo(TfBuilder& b, ir::Value* v, const std::vector<int64_t>& dims);
// Sum of int32 v over axis (keep_dims false).
ir::Value* SumAxis(TfBuilder& b, ir::Value* v, int64_t axis);

// Run-time ONNX axes (int32 1-D) of a rank-r value -> non-negative axes in the layout the
// node runs in: FloorMod(axes, r), then, for a 4-D node in NHWC, GatherV2 of the NCHW->NHWC
// axis table.
ir::Value* NormalizeAxes(TfBuilder& b, ir::Value* axes, int r);

// [r, n] int32 0/1 matrix: entry (j, k) is 1 when normalised axis k is j.
ir::Value* AxisMatch(TfBuilder& b, ir::Value* axes, int r);

// A full-rank int32 vector [r]: entry j is values[k] where axis k is j, else fill.
// values: int32 [n], match from AxisMatch.
ir::Value* ScatterByAxis(TfBuilder& b, ir::Value* match, ir::Value* values, int64_t fill);

// Shape-computing helpers (dynamic dims: the shape arithmetic of a dynamic-batch model runs
// in the graph). All int32, all in TF.js's op list.
// TF Shape of v (whose ONNX dtype is t), int32.
ir::Value* ShapeOf(TfBuilder& b, ir::Value* v, DataType t);
// Elements [begin, end) of an int32 vector (StridedSlice).
ir::Value* SliceVector(TfBuilder& b, ir::Value* v, int64_t begin, int64_t end);
// int32 vectors joined (ConcatV2 on axis 0); the part itself when there is one.
ir::Value* ConcatVectors(TfBuilder& b, std::vector<ir::Value*> parts);

}  // namespace ferry::convert::onnx_to_tf::ops
