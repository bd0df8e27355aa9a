// TF graphs: Conv2D / DepthwiseConv2dNative + BiasAdd (+ AddV2 of a residual) (+ Relu or
// Relu6) -> one convolution node, and MatMul of constant weights + BiasAdd (+ Relu or
// Relu6) -> one MatMul: the TF counterparts of the ONNX fusions (fuse_residual.cc,
// fuse_matmul_bias.cc, fuse_activation.cc), so that bias, residual and activation are
// applied as the product is written instead of in more passes over memory. The node keeps
// its TF op type and reads the bias as input 2 (kBiasAttr) and the residual as input 3
// (kResidualAttr); a residual that turns out not to have the output's shape falls back to
// an unfused add in the op (tf/ops/conv2d.cc), so the rewrite is always sound.
#include <vector>

#include "runtime/optimize/fused_attrs.h"
#include "runtime/optimize/optimize.h"
#include "runtime/optimize/pass_util.h"

namespace ferry::runtime::optimize {
namespace {

bool IsTf(const ir::Node* n, const char* op) {
  return n && n->domain() == "tf" && n->op_type() == op;
}

bool IsConstantFloat(const ir::Value* v, int rank) {
  return v && v->is_constant() && v->constant().dtype() == DataType::kFloat32 &&
         v->constant().rank() == rank;
}

// y's single reader, when it is the TF op `op` reading y as an input.
ir::Node* SoleReader(const ir::Graph& g, ir::Value* y, const char* op) {
  if (!SingleUse(g, y)) return nullptr;
  ir::Node* r = y->users()[0];
  return IsTf(r, op) && r->num_outputs() == 1 ? r : nullptr;
}

void FuseOne(ir::Graph& g, ir::Node* conv, int* fused) {
  const bool matmul = IsTf(conv, "MatMul");
  if (conv->num_inputs() != 2 || conv->num_outputs() != 1 ||
      !IsConstantFloat(conv->input(1), matmul ? 2 : 4))
    return;
  // The MatMul op runs constant weights packed only for an untransposed left operand.
  if (matmul && conv->GetInt("transpose_a", 0) != 0) return;
  // + BiasAdd of a constant vector (channels-last: the only layout the TF runtime runs).
  if (ir::Node* b = SoleReader(g, conv->output(0), "BiasAdd")) {
    if (b->num_inputs() == 2 && b->input(0) == conv->output(0) &&
        IsConstantFloat(b->input(1), 1) && b->GetString("data_format", "NHWC") == "NHWC") {
      conv = Absorb(g, conv, b, {conv->input(0), conv->input(1), b->input(1)});
      conv->set_attr(kBiasAttr, ir::Attribute::Int(1));
      ++*fused;
    }
  }
  // + AddV2 / Add of another value: the residual (convolutions only).
  ir::Node* add = matmul ? nullptr : SoleReader(g, conv->output(0), "AddV2");
  if (!add && !matmul) add = SoleReader(g, conv->output(0), "Add");
  if (add && add->num_inputs() == 2) {
    ir::Value* y = conv->output(0);
    ir::Value* other = add->input(0) == y ? add->input(1) : add->input(0);
    if (other && other != y) {  // a non-float residual is the op's error, as the Add's
      std::vector<ir::Value*> inputs = conv->inputs();
      inputs.resize(3, nullptr);  // no bias: input 2 omitted
      inputs.push_back(other);
      conv = Absorb(g, conv, add, std::move(inputs));
      conv->set_attr(kResidualAttr, ir::Attribute::Int(1));
      ++*fused;
    }
  }
  // + Relu or Relu6.
  ir::Node* act = SoleReader(g, conv->output(0), "Relu");
  const bool relu6 = act == nullptr;
  if (relu6) act = SoleReader(g, conv->output(0), "Relu6");
  if (act && act->num_inputs() == 1) {
    conv = Absorb(g, conv, act, conv->inputs());
    conv->set_attr(kActivationAttr, ir::Attribute::String(relu6 ? "Clip" : "Relu"));
    if (relu6) {
      conv->set_attr(kActivationAlphaAttr, ir::Attribute::Float(0.0f));
      conv->set_attr(kActivationBetaAttr, ir::Attribute::Float(6.0f));
    }
    ++*fused;
  }
}

}  // namespace

int FuseTf(ir::Graph& g) {
  std::vector<ir::Node*> convs;
  for (const auto& n : g.nodes())
    if (IsTf(n.get(), "Conv2D") || IsTf(n.get(), "DepthwiseConv2dNative") ||
        IsTf(n.get(), "MatMul"))
      convs.push_back(n.get());
  int fused = 0;
  for (ir::Node* c : convs) FuseOne(g, c, &fused);
  return fused;
}

}  // namespace ferry::runtime::optimize
