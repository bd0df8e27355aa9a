// ONNX GatherElements (11, 13) -> TF GatherNd with full coordinates: TF has no gather by a
// same-shaped index along one axis, so each output element's coordinate is the constant
// grid of its own position with the axis entry replaced by the index (negative indices are
// wrapped by FloorMod with the axis length, as ONNX counts them from the end). The indices'
// shape and the data's axis length must be known at convert time.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GatherElementsToTf final : public OpConverter {
 public:
  GatherElementsToTf() : OpConverter("GatherElements", 11) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(1).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& data = b.in_facts(0);
    const ValueFacts& ind = b.in_facts(1);
    const int r = data.rank();
    if (r < 1 || ind.rank() != r) return b.Error("data and indices must have the same rank");
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) return b.Unsupported("axis", "is out of range");
    const std::vector<int64_t> shape = ind.StaticDims();
    const int64_t len = data.StaticDims()[axis];
    if (!ind.IsStatic() || len < 0)
      return b.Error("the indices' shape and the data's axis length must be known at convert time");
    // grid[..., d] = position along d (0 along the axis); unit[d] = (d == axis).
    std::vector<int64_t> grid_dims = shape;
    grid_dims.push_back(r);
    Tensor grid(DataType::kInt32, Shape(grid_dims));
    std::vector<int64_t> pos(r, 0);
    int64_t count = 1;
    for (int64_t d : shape) count *= d;
    for (int64_t i = 0; i < count; ++i) {
      for (int d = 0; d < r; ++d)
        grid.data<int32_t>()[i * r + d] = d == axis ? 0 : static_cast<int32_t>(pos[d]);
      for (int d = r - 1; d >= 0; --d) {
        if (++pos[d] < shape[d]) break;
        pos[d] = 0;
      }
    }
    std::vector<int64_t> unit(r, 0);
    unit[axis] = 1;
    const std::string& p = n.name();
    const Attrs ti = {{"T", ir::Attribute::Type(DataType::kInt32)}};
    FERRY_ASSIGN_OR_RETURN(ir::Value * idx, b.Input(1));
    if (ind.dtype != DataType::kInt32 && ind.dtype != DataType::kInt64)
      return b.Error("indices must be int32 or int64");
    ir::Value* wrapped =
        b.Emit("FloorMod", {idx, b.ConstInt32({len}, p + "/len", true)}, ti, DataType::kInt32,
               p + "/wrapped")
            ->output(0);
    ir::Value* col = b.Emit("ExpandDims", {wrapped, b.ConstInt32({-1}, p + "/last", true)},
                            {{"T", ir::Attribute::Type(DataType::kInt32)},
                             {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
                            DataType::kInt32, p + "/column")
                         ->output(0);
    ir::Value* along = b.Emit("Mul", {col, b.ConstInt32(unit, p + "/unit")}, ti, DataType::kInt32,
                              p + "/along_axis")
                           ->output(0);
    ir::Value* coords = b.Emit("AddV2", {b.Const(grid, p + "/grid"), along}, ti, DataType::kInt32,
                               p + "/coords")
                            ->output(0);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit("GatherNd", {x, coords},
                          {{"Tparams", TypeAttr(data.dtype)},
                           {"Tindices", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(data.dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterGatherElements(ConverterTable& t) { t.Add(std::make_unique<GatherElementsToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
