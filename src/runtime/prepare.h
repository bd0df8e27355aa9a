// Preparing a graph for one set of input shapes: the copy that Session runs for inputs of
// exactly these shapes, with every shape computation folded (Shape -> Gather -> Concat ->
// Reshape chains, as torch exports for every view/reshape of a dynamic dimension).
//
// The shapes of intermediates come from a probe: one run of the generic session on inputs of
// these shapes records what every Shape/Size node computed. A Shape/Size node is replaced by
// its recorded value only when its input's shape is a function of the input shapes alone
// (ShapeStaticValues: every op on the way keeps shapes independent of data, and the inputs
// that do steer a shape — Reshape's shape, Slice's starts, ... — are constants by then), so
// the fold holds for any data of those shapes.
#pragma once

#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "core/status.h"
#include "core/tensor.h"
#include "ir/graph.h"
#include "runtime/opset.h"

namespace ferry::runtime {

// Values of g whose shapes depend only on the shapes of g's inputs (which must all be fully
// known) and on constants: graph inputs, constants, and outputs of ops in a fixed table whose
// shape-steering inputs are constants.
std::set<const ir::Value*> ShapeStaticValues(const ir::Graph& g);

struct PrepareStats {
  int folded_shape_nodes = 0;  // Shape/Size nodes replaced by recorded values
  int rounds = 0;              // fold rounds until nothing changed
};

// A copy of `g` with input i's shape fixed to input_shapes[i] (named and unknown dims
// resolved), Shape/Size nodes of shape-static values replaced by `recorded` (output name ->
// value the probe computed) and constants folded through `ops`, repeatedly until nothing
// changes. `g` is left as it was.
StatusOr<std::shared_ptr<ir::Graph>> SpecializeGraph(const ir::Graph& g,
                                                     const std::vector<Shape>& input_shapes,
                                                     const std::map<std::string, Tensor>& recorded,
                                                     const OpSet& ops, PrepareStats* stats = nullptr);

}  // namespace ferry::runtime
