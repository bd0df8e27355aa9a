// ONNX Compress (9, 11)(input, condition) with axis -> GatherV2(input, indices, axis) with
// indices = the positions where condition is true (TF Where, reshaped to 1-D and cast to
// int32). Without axis the input is flattened first. A condition shorter than the axis
// selects only among its length, as ONNX specifies.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class CompressToTf final : public OpConverter {
 public:
  CompressToTf() : OpConverter("Compress", 9) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    if (!n.attr("axis")) {
      ctx.out(0).dims = std::vector<ir::Dim>{ir::Dim{}};
      return Status::Ok();
    }
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += x.rank();
    if (axis < 0 || axis >= x.rank()) return ctx.Error("attribute 'axis' is out of range");
    std::vector<ir::Dim> dims = *x.dims;
    dims[axis] = ir::Dim{};
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    if (xf.rank() < 0) return b.Error("input 0 rank is unknown");
    const DataType t = xf.dtype;
    const std::string& p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * cond, b.Input(1));
    int64_t axis = 0;
    if (n.attr("axis")) {
      axis = n.GetInt("axis", 0);
      if (axis < 0) axis += xf.rank();
    } else {
      x = EmitReshape(b, x, t, {-1}, p + "/flat");
    }
    ir::Value* where = b.Emit("Where", {cond}, {{"T", TypeAttr(b.in_facts(1).dtype)}},
                              DataType::kInt64, p + "/where")
                           ->output(0);
    ir::Value* idx = EmitCast(b, where, DataType::kInt64, DataType::kInt32, p + "/where_int32");
    idx = EmitReshape(b, idx, DataType::kInt32, {-1}, p + "/indices");
    b.SetOutput(0, b.Emit("GatherV2", {x, idx, b.ConstInt32({axis}, p + "/axis", true)},
                          {{"Tparams", TypeAttr(t)},
                           {"Tindices", TypeAttr(DataType::kInt32)},
                           {"Taxis", TypeAttr(DataType::kInt32)},
                           {"batch_dims", ir::Attribute::Int(0)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterCompress(ConverterTable& t) { t.Add(std::make_unique<CompressToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
