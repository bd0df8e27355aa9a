// ONNX Flatten (1, 9, 11, 13) -> TF Reshape to [prod(dims[:axis]), prod(dims[axis:])], with
// -1 for the one unknown product (the batch). When the to_nhwc pass keeps the input NHWC
// (1x1 spatial, or Gemm/MatMul users whose weights are permuted), the same Reshape runs
// on the NHWC tensor.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

// Product of dims [from, to): known, a lone symbolic dim, or unknown.
ir::Dim DimProduct(const std::vector<ir::Dim>& d, int from, int to) {
  int64_t p = 1;
  const ir::Dim* sym = nullptr;
  int unknown = 0;
  for (int i = from; i < to; ++i) {
    if (d[i].known())
      p *= d[i].value;
    else {
      sym = &d[i];
      ++unknown;
    }
  }
  if (unknown == 0) return ir::Dim::Known(p);
  if (unknown == 1 && p == 1) return *sym;
  return ir::Dim::Unknown();
}

class FlattenToTf final : public OpConverter {
 public:
  FlattenToTf() : OpConverter("Flatten", 1) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    int64_t axis = n.GetInt("axis", 1);
    if (axis < 0) axis += x.rank();
    if (axis < 0 || axis > x.rank())
      return ctx.Error("attribute 'axis' " + std::to_string(n.GetInt("axis", 1)) +
                       " is out of range for rank " + std::to_string(x.rank()));
    const int a = static_cast<int>(axis);
    ctx.out(0).dims =
        std::vector<ir::Dim>{DimProduct(*x.dims, 0, a), DimProduct(*x.dims, a, x.rank())};
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& out = b.out_facts(0);
    if (out.rank() != 2) return b.Error("input rank is unknown");
    std::vector<int64_t> target = out.StaticDims();
    if (target[0] < 0 && target[1] < 0)
      return b.Error("both flattened dims are dynamic; TF Reshape needs one of them static");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* shape = b.ConstInt32(target, n.name() + "/shape");
    b.SetOutput(0, b.Emit("Reshape", {x, shape},
                          {{"T", TypeAttr(b.in_facts(0).dtype)},
                           {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(b.in_facts(0).dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterFlatten(ConverterTable& t) { t.Add(std::make_unique<FlattenToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
