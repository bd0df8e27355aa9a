// Layout choice: a Conv whose every reader is another cached 2-D Conv (reading it as data,
// input 0, or as a fused residual, input 3), or a GlobalAveragePool where the blocking is
// channels-last, may write its output channel-blocked, the
// format oneDNN's convolutions compute in; the readers take it as it is. This removes the
// reorder to NCHW after one convolution and the reorder back before the next (two copies
// of every activation), which dominates networks of small convolutions like MobileNetV2.
// Only the flag is set here: whether a CPU blocks at all is the kernel's business
// (kernels::ConvChannelBlock), and a Conv with blocked input accepts plain input too.
#include <vector>

#include "kernels/conv.h"
#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool ReadsBlocked(const ir::Node* user, const ir::Value* v) {
  // GlobalAveragePool averages channels-last data in the same order (ResNet's last conv then
  // skips its reorder to NCHW).
  if (user->op_type() == "GlobalAveragePool" && user->domain().empty() &&
      user->num_inputs() == 1 && user->input(0) == v)
    return kernels::ConvPreferredBlocking() == kernels::ConvBlocking::kChannelsLast;
  if (!IsCachedConv2D(user)) return false;
  for (int i = 0; i < user->num_inputs(); ++i) {
    if (user->input(i) != v) continue;
    const bool residual = i == 3 && user->GetInt(kResidualAttr, 0) != 0;
    if (i != 0 && !residual) return false;
  }
  return true;
}

// A Conv that runs Winograd (opt-in, kernels::ConvWinogradEnabled; ConvWinogradCandidate:
// 3x3, stride 1, 64+ channels, small weights), read as the kernel reads it.
bool WinogradCandidate(const ir::Node* n) {
  if (!kernels::ConvWinogradEnabled() || !IsCachedConv2D(n) || n->has_attr(kPoolKernelAttr))
    return false;
  const Shape& w = n->input(1)->constant().shape();
  auto ints = [&](const char* name) {
    std::vector<int64_t> v = n->has_attr(name) ? n->GetInts(name) : std::vector<int64_t>{};
    return v.empty() ? std::vector<int64_t>{1, 1} : v;
  };
  const auto strides = ints("strides"), dilations = ints("dilations");
  if (strides.size() != 2 || dilations.size() != 2) return false;
  return kernels::ConvWinogradCandidate(w[1] * n->GetInt("group", 1), w[0], w[2], w[3], strides[0],
                                        strides[1], dilations[0], dilations[1],
                                        n->GetInt("group", 1));
}

}  // namespace

int ChooseBlockedLayout(ir::Graph& g) {
  int blocked = 0;
  for (const auto& n : g.nodes()) {
    if (!IsCachedConv2D(n.get()) || n->num_outputs() != 1) continue;
    const ir::Value* y = n->output(0);
    if (!y || y->users().empty() || g.IsGraphOutput(y)) continue;
    bool all = true, all_winograd = true;
    for (const ir::Node* u : y->users()) {
      all = all && ReadsBlocked(u, y);
      all_winograd = all_winograd && WinogradCandidate(u);
    }
    if (!all) continue;
    // Between Winograd candidates, where the CPU's own blocking is channels-last: nChw16c,
    // Winograd's layout, so that neither side reorders.
    const bool c16 = all_winograd && !n->has_attr(kPoolKernelAttr) &&
                     kernels::ConvPreferredBlocking() == kernels::ConvBlocking::kChannelsLast;
    n->set_attr(kBlockedOutputAttr,
                ir::Attribute::Int(c16 ? kBlockedOutput16c : kBlockedOutputPreferred));
    ++blocked;
  }
  return blocked;
}

}  // namespace ferry::runtime::optimize
