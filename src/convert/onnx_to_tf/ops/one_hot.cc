// ONNX OneHot (9, 11)(indices, depth, values = [off, on]) with axis -> TF OneHot(indices,
// depth, on, off, axis). ONNX counts a negative index from the end (11: indices in
// [-depth, depth)), TF gives it a row of off values, so indices < 0 get depth added first
// (SelectV2); indices outside the range stay all-off in both. Non-integer indices and depth
// are cast to int32 (ONNX casts them to integers). TF.js's OneHot ignores `axis` (it always
// appends the new axis), so TF's OneHot gets axis -1 and a Transpose moves the new axis into
// place.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class OneHotToTf final : public OpConverter {
 public:
  OneHotToTf() : OpConverter("OneHot", 9) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(2).dtype;
    const ValueFacts& idx = ctx.in(0);
    const ValueFacts& depth = ctx.in(1);
    if (idx.rank() >= 0) {
      const int r = idx.rank();
      int64_t axis = n.GetInt("axis", -1);
      if (axis < 0) axis += r + 1;
      if (axis < 0 || axis > r) return ctx.Error("attribute 'axis' is out of range");
      std::vector<ir::Dim> dims = *idx.dims;
      dims.insert(dims.begin() + axis, depth.constant && depth.constant->NumElements() == 1
                                           ? ir::Dim::Known(static_cast<int64_t>(
                                                 depth.constant->GetAsDouble(0)))
                                           : ir::Dim{});
      ctx.out(0).dims = dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& idx_f = b.in_facts(0);
    if (idx_f.rank() < 0) return b.Error("input 0 rank is unknown");
    const int r = idx_f.rank();
    int64_t axis = n.GetInt("axis", -1);
    if (axis < 0) axis += r + 1;
    const std::string& p = n.name();
    const DataType i32 = DataType::kInt32;
    FERRY_ASSIGN_OR_RETURN(ir::Value * idx, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * depth, b.Input(1));
    FERRY_ASSIGN_OR_RETURN(ir::Value * values, b.Input(2));
    if (TfDType(idx_f.dtype) != i32) idx = EmitCast(b, idx, idx_f.dtype, i32, p + "/indices_int32");
    if (TfDType(b.in_facts(1).dtype) != i32)
      depth = EmitCast(b, depth, b.in_facts(1).dtype, i32, p + "/depth_int32");
    depth = EmitReshape(b, depth, i32, {}, p + "/depth_scalar");
    ir::Value* neg = EmitT(b, "Less", {idx, b.ConstInt32({0}, p + "/zero", true)}, i32,
                           p + "/negative", DataType::kBool);
    ir::Value* wrapped = EmitT(b, "AddV2", {idx, depth}, i32, p + "/from_end");
    idx = EmitT(b, "SelectV2", {neg, wrapped, idx}, i32, p + "/indices");
    const DataType vt = b.in_facts(2).dtype;
    auto pick = [&](int64_t i, const std::string& name) {
      return b.Emit("GatherV2",
                    {values, b.ConstInt32({i}, name + "/index", true),
                     b.ConstInt32({0}, name + "/axis", true)},
                    {{"Tparams", TypeAttr(vt)},
                     {"Tindices", TypeAttr(i32)},
                     {"Taxis", TypeAttr(i32)},
                     {"batch_dims", ir::Attribute::Int(0)}},
                    TfDType(vt), name)
          ->output(0);
    };
    ir::Value* off = pick(0, p + "/off");
    ir::Value* on = pick(1, p + "/on");
    ir::Value* y = b.Emit("OneHot", {idx, depth, on, off},
                          {{"T", TypeAttr(vt)}, {"TI", TypeAttr(i32)}, {"axis", ir::Attribute::Int(-1)}},
                          TfDType(vt), axis == r ? b.OutName(0) : p + "/one_hot_last")
                       ->output(0);
    if (axis != r) {
      std::vector<int64_t> perm;
      for (int64_t i = 0; i < r; ++i) {
        if (i == axis) perm.push_back(r);
        perm.push_back(i);
      }
      y = EmitTranspose(b, y, vt, perm, b.OutName(0));
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }
};

}  // namespace

void RegisterOneHot(ConverterTable& t) { t.Add(std::make_unique<OneHotToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
