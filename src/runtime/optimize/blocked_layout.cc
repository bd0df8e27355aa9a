// Layout choice: a Conv whose every reader is another cached 2-D Conv (reading it as data,
// input 0, or as a fused residual, input 3) may write its output channel-blocked, the
// format oneDNN's convolutions compute in; the readers take it as it is. This removes the
// reorder to NCHW after one convolution and the reorder back before the next (two copies
// of every activation), which dominates networks of small convolutions like MobileNetV2.
// Only the flag is set here: whether a CPU blocks at all is the kernel's business
// (kernels::ConvChannelBlock), and a Conv with blocked input accepts plain input too.
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool ReadsBlocked(const ir::Node* user, const ir::Value* v) {
  if (!IsCachedConv2D(user)) return false;
  for (int i = 0; i < user->num_inputs(); ++i) {
    if (user->input(i) != v) continue;
    const bool residual = i == 3 && user->GetInt(kResidualAttr, 0) != 0;
    if (i != 0 && !residual) return false;
  }
  return true;
}

}  // namespace

int ChooseBlockedLayout(ir::Graph& g) {
  int blocked = 0;
  for (const auto& n : g.nodes()) {
    if (!IsCachedConv2D(n.get()) || n->num_outputs() != 1) continue;
    const ir::Value* y = n->output(0);
    if (!y || y->users().empty() || g.IsGraphOutput(y)) continue;
    bool all = true;
    for (const ir::Node* u : y->users()) all = all && ReadsBlocked(u, y);
    if (!all) continue;
    n->set_attr(kBlockedOutputAttr, ir::Attribute::Int(1));
    ++blocked;
  }
  return blocked;
}

}  // namespace ferry::runtime::optimize
