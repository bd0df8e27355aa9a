// Dead-code elimination: nodes none of whose outputs reach a graph output (often left by
// constant folding and fusion), and constants nothing reads. The graph does the walk.
#include "runtime/optimize/optimize.h"

namespace ferry::runtime::optimize {

int EliminateDeadCode(ir::Graph& g) { return g.EliminateDeadCode(); }

}  // namespace ferry::runtime::optimize
