#include "tf/ops/registry.h"

namespace ferry::tf {
namespace ops {
#define X(name) void Register##name(runtime::OpSet& s);
#include "tf/ops/ops.inc"
#undef X
}  // namespace ops

const runtime::OpSet& TfOpSet() {
  static const runtime::OpSet* set = [] {
    auto* s = new runtime::OpSet("tf");
#define X(name) ops::Register##name(*s);
#include "tf/ops/ops.inc"
#undef X
    return s;
  }();
  return *set;
}

}  // namespace ferry::tf
