// The converter table of ops/: ops/ops.inc lists one registration function per file.
#include "convert/onnx_to_tf/op_converter.h"

namespace ferry::convert::onnx_to_tf {
namespace ops {
#define X(name) void Register##name(ConverterTable& t);
#include "convert/onnx_to_tf/ops/ops.inc"
#undef X
}  // namespace ops

const ConverterTable& OnnxToTfConverters() {
  static const ConverterTable* table = [] {
    auto* t = new ConverterTable();
#define X(name) ops::Register##name(*t);
#include "convert/onnx_to_tf/ops/ops.inc"
#undef X
    return t;
  }();
  return *table;
}

}  // namespace ferry::convert::onnx_to_tf
