// ONNX Hardmax -> TF OneHot(ArgMax(x, axis), depth = dim, 1, 0, axis): 1 at the first maximum
// along the axis, 0 elsewhere (both ONNX and TF's ArgMax take the first maximum).
// Hardmax-13 works on one axis (default -1); Hardmax-1/11 on the 2-D view [prod(dims[:axis]),
// prod(dims[axis:])] (default axis 1), converted through Reshapes. TF.js's OneHot ignores
// `axis`, so the one-hot axis is appended and moved into place by a Transpose. Needs static
// sizes.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class HardmaxToTf final : public OpConverter {
 public:
  explicit HardmaxToTf(int since) : OpConverter("Hardmax", since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    const DataType t = xf.dtype;
    if (t != DataType::kFloat32 && t != DataType::kFloat64)
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert to TF");
    if (!xf.IsStatic()) return b.Error("input 0 needs a static shape to convert");
    const std::vector<int64_t> dims = xf.StaticDims();
    const int r = static_cast<int>(dims.size());
    const bool v13 = since_opset() >= 13;
    int64_t axis = n.GetInt("axis", v13 ? -1 : 1);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) return b.Error("attribute 'axis' is out of range");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const std::string& p = n.name();
    int64_t depth = dims[axis];
    if (!v13) {
      int64_t outer = 1, inner = 1;
      for (int i = 0; i < r; ++i) (i < axis ? outer : inner) *= dims[i];
      x = EmitReshape(b, x, t, {outer, inner}, p + "/2d");
      depth = inner;
      axis = 1;
    }
    const ir::Attribute i32 = ir::Attribute::Type(DataType::kInt32);
    ir::Value* am = b.Emit("ArgMax", {x, b.ConstInt32({axis}, p + "/axis", true)},
                           {{"T", TypeAttr(t)}, {"Tidx", i32}, {"output_type", i32}},
                           DataType::kInt32, p + "/argmax")
                        ->output(0);
    const int64_t rr = v13 ? r : 2;  // rank of the one-hot result
    const bool last = axis == rr - 1;
    ir::Value* y = b.Emit("OneHot",
                          {am, b.ConstInt32({depth}, p + "/depth", true),
                           b.Const(ScalarOf(t, 1), p + "/on"), b.Const(ScalarOf(t, 0), p + "/off")},
                          {{"T", TypeAttr(t)}, {"TI", i32}, {"axis", ir::Attribute::Int(-1)}},
                          t, v13 && last ? b.OutName(0) : p + "/one_hot")
                       ->output(0);
    if (!last) {
      std::vector<int64_t> perm;
      for (int64_t i = 0; i < rr - 1; ++i) {
        if (i == axis) perm.push_back(rr - 1);
        perm.push_back(i);
      }
      y = EmitTranspose(b, y, t, perm, v13 ? b.OutName(0) : p + "/moved");
    }
    if (!v13) y = EmitReshape(b, y, t, dims, b.OutName(0));
    b.SetOutput(0, y);
    return Status::Ok();
  }
};

}  // namespace

void RegisterHardmax(ConverterTable& t) {
  t.Add(std::make_unique<HardmaxToTf>(1));
  t.Add(std::make_unique<HardmaxToTf>(13));
}

}  // namespace ferry::convert::onnx_to_tf::ops
