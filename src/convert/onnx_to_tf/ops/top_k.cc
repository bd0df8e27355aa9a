// ONNX TopK (1, 10, 11)(x, k) with axis, largest, sorted -> TF TopKV2(x, k) (nn_ops.cc),
// which works on the last axis and keeps the lower index first among equal values, as ONNX
// does. Another axis is moved last and back by Transposes; largest = 0 negates the input and
// the values (TopK of -x); sorted = 0 lets ONNX return any order, and the sorted one is
// returned. TopK-1 takes k as an attribute.
#include <numeric>

#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class TopKToTf final : public OpConverter {
 public:
  explicit TopKToTf(int since) : OpConverter("TopK", since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 10) return {"axis", "k"};
    return {"axis", "largest", "sorted"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    ctx.out(1).dtype = DataType::kInt64;
    if (x.rank() < 1) return Status::Ok();
    int64_t axis = n.GetInt("axis", -1);
    if (axis < 0) axis += x.rank();
    if (axis < 0 || axis >= x.rank()) return ctx.Error("attribute 'axis' is out of range");
    std::vector<ir::Dim> dims = *x.dims;
    dims[axis] = ir::Dim{};
    if (since_opset() < 10) {
      dims[axis] = ir::Dim::Known(n.GetInt("k", 0));
    } else if (const ValueFacts& k = ctx.in(1); k.constant && k.constant->NumElements() == 1) {
      dims[axis] = ir::Dim::Known(k.constant->GetAsInt64(0));
    }
    ctx.out(0).dims = dims;
    ctx.out(1).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    const int r = xf.rank();
    if (r < 1) return b.Error("input 0 rank is unknown");
    const DataType t = xf.dtype;
    const bool largest = n.GetInt("largest", 1) != 0;
    if (!largest && (t == DataType::kUInt8 || t == DataType::kUInt16 || t == DataType::kUInt32 ||
                     t == DataType::kUInt64))
      return b.Unsupported("largest", "= 0 on an unsigned type has no TF form (negation)");
    int64_t axis = n.GetInt("axis", -1);
    if (axis < 0) axis += r;
    const std::string& p = n.name();
    const DataType tt = TfDType(t);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* k = nullptr;
    if (since_opset() < 10) {
      k = b.ConstInt32({n.GetInt("k", 0)}, p + "/k", true);
    } else {
      FERRY_ASSIGN_OR_RETURN(k, b.Input(1));
      const DataType kt = b.in_facts(1).dtype;
      if (TfDType(kt) != DataType::kInt32) k = EmitCast(b, k, kt, DataType::kInt32, p + "/k_int32");
      k = EmitReshape(b, k, DataType::kInt32, {}, p + "/k_scalar");
    }
    std::vector<int64_t> perm(r);
    std::iota(perm.begin(), perm.end(), 0);
    const bool move = axis != r - 1;
    std::swap(perm[axis], perm[r - 1]);  // its own inverse
    if (move) x = EmitTranspose(b, x, t, perm, p + "/axis_last");
    if (!largest) x = EmitT(b, "Neg", {x}, tt, p + "/negated");
    ir::Node* top = EmitMulti(b, "TopKV2", {x, k},
                              {{"T", TypeAttr(t)}, {"sorted", ir::Attribute::Bool(true)}},
                              {tt, DataType::kInt32}, p + "/top_k");
    ir::Value* values = top->output(0);
    ir::Value* indices = top->output(1);
    if (!largest) values = EmitT(b, "Neg", {values}, tt, move ? p + "/values" : b.OutName(0));
    if (move) {
      values = EmitTranspose(b, values, t, perm, b.OutName(0));
      indices = EmitTranspose(b, indices, DataType::kInt32, perm, b.OutName(1));
    }
    b.SetOutput(0, values);
    b.SetOutput(1, indices);
    return Status::Ok();
  }
};

}  // namespace

void RegisterTopK(ConverterTable& t) {
  t.Add(std::make_unique<TopKToTf>(1));
  t.Add(std::make_unique<TopKToTf>(10));
}

}  // namespace ferry::convert::onnx_to_tf::ops
