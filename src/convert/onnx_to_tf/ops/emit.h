// Small emission helpers for the converters of ops/ that compose several TF ops: a typed
// scalar constant, a one-output op in one call, and an op with several outputs.
#pragma once

#include <string>
#include <vector>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {

// A scalar of dtype t holding v (converted as static_cast does); t must be numeric or bool.
Tensor ScalarOf(DataType t, double v);

// Emits op with attribute T = t and returns its output (dtype TfDType(out)).
ir::Value* EmitT(TfBuilder& b, const std::string& op, std::vector<ir::Value*> inputs, DataType t,
                 const std::string& name, DataType out = DataType::kUndefined);

// Emits op with one output per entry of dtypes, named name, name:1, ... as TF names them.
ir::Node* EmitMulti(TfBuilder& b, const std::string& op, std::vector<ir::Value*> inputs,
                    const Attrs& attrs, const std::vector<DataType>& dtypes,
                    const std::string& name);

// Cast x from `from` to `to` (ONNX dtypes; int64 stays int32 inside the graph).
ir::Value* EmitCast(TfBuilder& b, ir::Value* x, DataType from, DataType to,
                    const std::string& name);

// Reshape x (dtype t) to a constant shape.
ir::Value* EmitReshape(TfBuilder& b, ir::Value* x, DataType t, const std::vector<int64_t>& shape,
                       const std::string& name);

// Transpose x (dtype t) by a constant permutation.
ir::Value* EmitTranspose(TfBuilder& b, ir::Value* x, DataType t, const std::vector<int64_t>& perm,
                         const std::string& name);

}  // namespace ferry::convert::onnx_to_tf::ops
