// ONNX LRN (1, 13) with size, alpha, beta, bias -> TF LRN on NHWC (nn_ops.cc): ONNX divides by
// (bias + alpha / size * square_sum) ** beta over channels [c - floor((size - 1) / 2),
// c + ceil((size - 1) / 2)]; TF's window is symmetric, depth_radius either side, and its
// alpha multiplies the sum directly, so an odd size maps to depth_radius = (size - 1) / 2 and
// alpha / size. An even size (asymmetric window) has no TF form.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class LrnToTf final : public OpConverter {
 public:
  LrnToTf() : OpConverter("LRN", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    return {"size", "alpha", "beta", "bias"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (b.in_facts(0).rank() != 4 || !b.nhwc())
      return b.Error("only a 4-D input lowered NHWC converts to TF LRN");
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    const int64_t size = n.GetInt("size", 0);
    if (size <= 0 || size % 2 == 0)
      return b.Unsupported("size", "= " + std::to_string(size) +
                                       " is even: TF's LRN window is symmetric");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit("LRN", {x},
                          {{"T", TypeAttr(DataType::kFloat32)},
                           {"depth_radius", ir::Attribute::Int((size - 1) / 2)},
                           {"bias", ir::Attribute::Float(n.GetFloat("bias", 1.f))},
                           {"alpha", ir::Attribute::Float(n.GetFloat("alpha", 1e-4f) / size)},
                           {"beta", ir::Attribute::Float(n.GetFloat("beta", 0.75f))}},
                          DataType::kFloat32, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterLrn(ConverterTable& t) { t.Add(std::make_unique<LrnToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
