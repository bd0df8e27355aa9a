// TF graphs: Conv2D / DepthwiseConv2dNative + BiasAdd (+ AddV2 of a residual) (+ Relu or
// Relu6) -> one convolution node, and MatMul of constant weights + BiasAdd (+ Relu or
// Relu6) -> one MatMul: the TF counterparts of the ONNX fusions (fuse_residual.cc,
// fuse_matmul_bias.cc, fuse_activation.cc), so that bias, residual and activation are
// applied as the product is written instead of in more passes over memory. The node keeps
// its TF op type and reads the bias as input 2 (kBiasAttr) and the residual as input 3
// (kResidualAttr); a residual that turns out not to have the output's shape falls back to
// an unfused add in the op (tf/ops/conv2d.cc), so the rewrite is always sound.
//
// Also PadV2 of -inf + MaxPool VALID (the converter's form of ONNX MaxPool with pads) -> one
// MaxPool with the pads as kPoolPadsAttr [top, left, bottom, right]: -inf never wins a max,
// and every window keeps a real element (pads below the kernel, strides up to it), so the
// kernel's padded max is the same.
#include <cmath>
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

// The int64 values of a constant int tensor, or empty.
std::vector<int64_t> ConstantInts(const ir::Value* v) {
  if (!v || !v->is_constant()) return {};
  const Tensor& t = v->constant();
  if (t.dtype() != DataType::kInt32 && t.dtype() != DataType::kInt64) return {};
  return t.ToInt64Vector();
}

bool FusePadIntoMaxPool(ir::Graph& g, ir::Node* pool) {
  if (pool->num_inputs() != 1 || pool->num_outputs() != 1 ||
      pool->GetString("padding", "") != "VALID" ||
      pool->GetString("data_format", "NHWC") != "NHWC" || pool->has_attr(kPoolPadsAttr))
    return false;
  ir::Node* pad = pool->input(0) ? pool->input(0)->producer() : nullptr;
  if (!IsTf(pad, "PadV2") || pad->num_inputs() != 3 || pad->num_outputs() != 1 ||
      !SingleUse(g, pad->output(0)))
    return false;
  const ir::Value* fill = pad->input(2);
  if (!fill || !fill->is_constant() || fill->constant().dtype() != DataType::kFloat32 ||
      fill->constant().NumElements() != 1 || !std::isinf(fill->constant().data<float>()[0]) ||
      fill->constant().data<float>()[0] > 0)
    return false;
  const std::vector<int64_t> pads = ConstantInts(pad->input(1));  // [[before, after]] x 4
  const std::vector<int64_t> k = pool->GetInts("ksize"), st = pool->GetInts("strides");
  if (pads.size() != 8 || k.size() != 4 || st.size() != 4) return false;
  if (pads[0] || pads[1] || pads[6] || pads[7]) return false;  // N and C unpadded
  for (int d = 1; d <= 2; ++d) {
    const int64_t before = pads[2 * d], after = pads[2 * d + 1];
    if (before < 0 || after < 0 || before >= k[d] || after >= k[d] || st[d] > k[d]) return false;
  }
  std::vector<ir::Value*> inputs = {pad->input(0)}, outputs = {pool->output(0)};
  const std::string name = pool->name();
  const auto attrs = pool->attrs();
  g.RemoveNode(pool);
  g.RemoveNode(pad);
  ir::Node* n = g.AddNodeWithOutputs("MaxPool", "tf", name, std::move(inputs), std::move(outputs));
  for (const auto& [key, a] : attrs) n->set_attr(key, a);
  n->set_attr(kPoolPadsAttr, ir::Attribute::Ints({pads[2], pads[4], pads[3], pads[5]}));
  return true;
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
  std::vector<ir::Node*> pools;
  for (const auto& n : g.nodes())
    if (IsTf(n.get(), "MaxPool")) pools.push_back(n.get());
  for (ir::Node* p : pools) fused += FusePadIntoMaxPool(g, p) ? 1 : 0;
  return fused;
}

}  // namespace ferry::runtime::optimize
