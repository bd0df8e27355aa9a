// The ONNX op set: every ONNX op ferry's runtime executes, with its version ranges.
// Built once on first use from ops.inc; no static registration objects in the op files.
#pragma once

#include "runtime/opset.h"

namespace ferry::onnx {

// Thread-safe (a function-local static); the table lives for the whole process.
const runtime::OpSet& OnnxOpSet();

namespace ops {
#define X(name) void Register##name(runtime::OpSet& s);
#include "onnx/ops/ops.inc"
#undef X
}  // namespace ops

}  // namespace ferry::onnx
