// Small helpers the optimizer passes share.
#pragma once

#include <string>
#include <vector>

#include "ir/graph.h"

namespace ferry::runtime::optimize {

// True when v is read by exactly one node, once, and is not a graph output: the node that
// produces it may absorb that reader.
inline bool SingleUse(const ir::Graph& g, const ir::Value* v) {
  return v && v->users().size() == 1 && !g.IsGraphOutput(v);
}

// A default-domain node of this op type.
inline bool IsOnnx(const ir::Node* n, const char* op) {
  return n && n->domain().empty() && n->op_type() == op;
}

// A Conv the runtime runs through its cached oneDNN path: constant float weights of rank 4
// (2-D convolution) and a constant bias if any.
inline bool IsCachedConv2D(const ir::Node* n) {
  if (!IsOnnx(n, "Conv") || n->num_inputs() < 2) return false;
  const ir::Value* w = n->input(1);
  if (!w || !w->is_constant() || w->constant().dtype() != DataType::kFloat32 ||
      w->constant().rank() != 4)
    return false;
  const ir::Value* b = n->input(2);
  return !b || (b->is_constant() && b->constant().dtype() == DataType::kFloat32);
}

// A MatMul the runtime runs through its cached oneDNN path: constant float [k, n] weights
// (ops/mat_mul.cc), which can also add a fused bias and activation.
inline bool IsConstantWeightMatMul(const ir::Node* n) {
  if (!IsOnnx(n, "MatMul") || n->num_inputs() < 2) return false;
  const ir::Value* w = n->input(1);
  return w && w->is_constant() && w->constant().dtype() == DataType::kFloat32 &&
         w->constant().rank() == 2;
}

// Replaces `producer` and its single reader `reader` by one node of producer's type, domain,
// name and attributes, reading `inputs` and writing reader's output 0 (so graph outputs and
// names downstream stay as they were). Returns the new node.
inline ir::Node* Absorb(ir::Graph& g, ir::Node* producer, ir::Node* reader,
                        std::vector<ir::Value*> inputs) {
  const std::string op = producer->op_type(), domain = producer->domain(),
                    name = producer->name();
  const auto attrs = producer->attrs();
  std::vector<ir::Value*> outputs = {reader->output(0)};
  g.RemoveNode(reader);
  g.RemoveNode(producer);
  ir::Node* n = g.AddNodeWithOutputs(op, domain, name, std::move(inputs), std::move(outputs));
  for (const auto& [k, a] : attrs) n->set_attr(k, a);
  return n;
}

}  // namespace ferry::runtime::optimize
