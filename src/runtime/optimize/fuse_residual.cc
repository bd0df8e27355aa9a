// Conv + Add -> one Conv whose input 3 is added to its output through oneDNN's sum post-op
// (a ResNet/MobileNetV2 residual connection). The Add's other operand is read by the Conv;
// when it turns out not to have the Conv's output shape (the Add broadcasts), the Conv op
// falls back to convolving, adding and activating separately, so the rewrite is always
// sound. Runs before activation fusion: Relu(Add(Conv, r)) becomes one node.
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool FuseOne(ir::Graph& g, ir::Node* conv) {
  if (!IsCachedConv2D(conv) || conv->num_outputs() != 1) return false;
  if (conv->has_attr(kActivationAttr) || conv->has_attr(kResidualAttr)) return false;
  ir::Value* y = conv->output(0);
  if (!SingleUse(g, y)) return false;
  ir::Node* add = y->users()[0];
  if (!IsOnnx(add, "Add") || add->num_inputs() != 2 || add->num_outputs() != 1) return false;
  ir::Value* other = add->input(0) == y ? add->input(1) : add->input(0);
  if (!other || other == y) return false;
  std::vector<ir::Value*> inputs = conv->inputs();
  inputs.resize(3, nullptr);  // input 2 (bias) may be omitted
  inputs.push_back(other);
  ir::Node* fused = Absorb(g, conv, add, std::move(inputs));
  fused->set_attr(kResidualAttr, ir::Attribute::Int(1));
  return true;
}

}  // namespace

int FuseResidual(ir::Graph& g) {
  std::vector<ir::Node*> convs;
  for (const auto& n : g.nodes())
    if (IsOnnx(n.get(), "Conv")) convs.push_back(n.get());
  int fused = 0;
  for (ir::Node* c : convs) fused += FuseOne(g, c) ? 1 : 0;
  return fused;
}

}  // namespace ferry::runtime::optimize
