// The graph as Graphviz DOT text (`ferry inspect --format dot`), and rendered to SVG by
// graphviz's `dot` program (`--format svg`, and the picture inside `--format html`).
//
// Drawing, after Netron: one box per node showing its op, its name and the shapes of its
// outputs; constant inputs (initializers, weights) are folded into the box as one line each
// ("in1 float32[64,3,7,7]") instead of being drawn as nodes of their own, and so is an
// Identity of a constant (PyTorch's exporter writes those for shared weights); graph inputs and
// outputs are rounded boxes. Every element carries a stable DOT id that graphviz copies into
// the SVG: "node<i>" for the i-th node in graph order, "input<i>" and "output<i>".
#pragma once

#include <string>

#include "core/status.h"
#include "ir/graph.h"

namespace ferry::report {

std::string NodeElementId(int index);    // "node12"
std::string InputElementId(int index);   // "input0"
std::string OutputElementId(int index);  // "output0"

struct DotOptions {
  int max_label_chars = 42;  // longer names are shortened with "..." in the picture
};

std::string GraphToDot(const ir::Graph& g, const DotOptions& options = {});

// The constant a value shows as when folded: itself when constant, the constant behind an
// Identity of a constant, else nullptr.
const ir::Value* FoldedConstant(const ir::Value* v);

// Runs `dot -Tsvg` on the text; `dot_program` may be a path. Errors say when graphviz is
// not installed.
StatusOr<std::string> RenderDotToSvg(const std::string& dot,
                                     const std::string& dot_program = "dot");

}  // namespace ferry::report
