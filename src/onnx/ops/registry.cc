#include "onnx/ops/registry.h"

namespace ferry::onnx {

const runtime::OpSet& OnnxOpSet() {
  static const runtime::OpSet* set = [] {
    auto* s = new runtime::OpSet("onnx");
#define X(name) ops::Register##name(*s);
#include "onnx/ops/ops.inc"
#undef X
    return s;
  }();
  return *set;
}

}  // namespace ferry::onnx
