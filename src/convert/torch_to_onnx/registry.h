// aten op kind -> mapping function. The mappings live in ops/<family>.cc; each family has a
// Register<Family>Ops listed in ops/ops.inc (no static initialisers).
#pragma once

#include <string>
#include <unordered_map>

#include "convert/torch_to_onnx/context.h"
#include "core/status.h"

namespace ferry::convert::torch_to_onnx {

// Converts ctx.node(): reads its inputs through ctx, emits ONNX nodes, binds every output.
using MapFn = Status (*)(Ctx& ctx);

class OpTable {
 public:
  void Add(const std::string& kind, MapFn fn) { fns_[kind] = fn; }
  // The mapping of `kind`; an in-place kind ("aten::add_") falls back to its functional op.
  MapFn Find(const std::string& kind) const;

 private:
  std::unordered_map<std::string, MapFn> fns_;
};

const OpTable& DefaultOpTable();

#define X(family) void Register##family##Ops(OpTable& table);
#include "convert/torch_to_onnx/ops/ops.inc"
#undef X

}  // namespace ferry::convert::torch_to_onnx
