// What the converter knows about an ONNX value before lowering it: element type, shape
// (dims may be symbolic: a batch dim is a named Dim), and for small integer tensors (the
// shape arithmetic torch exports around Reshape) each element as a number or a symbol.
#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/tensor.h"
#include "ir/graph.h"

namespace ferry::convert::onnx_to_tf {

// One element of an integer value: a number, or a symbol naming an unknown dim.
struct Elem {
  int64_t value = 0;
  std::string sym;  // non-empty: unknown, equal to every Elem/Dim of the same symbol
  bool known() const { return sym.empty(); }
  static Elem Of(int64_t v) { return Elem{v, {}}; }
  static Elem FromDim(const ir::Dim& d) { return d.known() ? Of(d.value) : Elem{0, d.param}; }
  bool operator==(const Elem& o) const { return value == o.value && sym == o.sym; }
};

struct ValueFacts {
  DataType dtype = DataType::kUndefined;
  std::optional<std::vector<ir::Dim>> dims;  // nullopt: rank unknown
  // The full value when known at convert time (initializers, Constant, folded shapes).
  std::optional<Tensor> constant;
  // Elements of a 0-D or 1-D integer value; each known or a symbolic dim.
  std::optional<std::vector<Elem>> elements;

  int rank() const { return dims ? static_cast<int>(dims->size()) : -1; }
  // Dims with -1 for unknown ones; empty when the rank is unknown.
  std::vector<int64_t> StaticDims() const;
  bool IsStatic() const;
  // Sets `elements`, and `constant` (as dtype, 1-D or scalar) when every element is known.
  void SetElements(std::vector<Elem> e, bool scalar);
};

using FactsMap = std::unordered_map<const ir::Value*, ValueFacts>;

// Facts of a constant tensor (elements filled for small integer tensors).
ValueFacts FactsOfConstant(const Tensor& t);

}  // namespace ferry::convert::onnx_to_tf
