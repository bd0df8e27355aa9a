// ONNX ScatterND (11, 13, 16), ScatterElements (11, 13, 16) and Scatter (9) -> TF
// TensorScatterUpdate(data, indices, updates) (array_ops.cc), or for reduction = "add"
// data + ScatterNd(indices, updates, shape(data)) (ScatterNd sums duplicates). TF.js has
// neither TensorScatterAdd nor a multiplying scatter, so reduction "mul" is an error.
// ScatterElements / Scatter address single elements: their indices become full coordinates
// [..., rank] = a constant grid of each update's position with the `axis` component taken
// from the indices (negative ones count from the end, wrapped by FloorMod). Needs static
// shapes.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ScatterToTf final : public OpConverter {
 public:
  ScatterToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    if (op_type() == "ScatterND") return {"reduction"};
    if (op_type() == "Scatter") return {"axis"};
    return {"axis", "reduction"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& df = b.in_facts(0);
    const ValueFacts& inf = b.in_facts(1);
    if (!df.IsStatic() || !inf.IsStatic()) return b.Error("inputs 0 and 1 need static shapes");
    const std::string reduction = n.GetString("reduction", "none");
    if (reduction != "none" && reduction != "add")
      return b.Unsupported("reduction", "'" + reduction + "' has no TF.js scatter op");
    const std::string& p = n.name();
    const DataType t = df.dtype;
    const DataType i32 = DataType::kInt32;
    const std::vector<int64_t> dshape = df.StaticDims();
    FERRY_ASSIGN_OR_RETURN(ir::Value * data, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * idx, b.Input(1));
    FERRY_ASSIGN_OR_RETURN(ir::Value * upd, b.Input(2));
    if (TfDType(inf.dtype) != i32) idx = EmitCast(b, idx, inf.dtype, i32, p + "/indices_int32");
    if (op_type() != "ScatterND") {
      FERRY_ASSIGN_OR_RETURN(idx, Coordinates(n, b, idx, dshape, inf.StaticDims()));
    }
    if (reduction == "none") {
      b.SetOutput(0, b.Emit("TensorScatterUpdate", {data, idx, upd},
                            {{"T", TypeAttr(t)}, {"Tindices", TypeAttr(i32)}}, TfDType(t),
                            b.OutName(0))
                         ->output(0));
      return Status::Ok();
    }
    ir::Value* sum = b.Emit("ScatterNd", {idx, upd, b.ConstInt32(dshape, p + "/shape")},
                            {{"T", TypeAttr(t)}, {"Tindices", TypeAttr(i32)}}, TfDType(t),
                            p + "/scattered")
                         ->output(0);
    b.SetOutput(0, EmitT(b, "AddV2", {data, sum}, t, b.OutName(0)));
    return Status::Ok();
  }

 private:
  // Full coordinates [..., rank] for element-wise scatter indices of shape `ishape`.
  static StatusOr<ir::Value*> Coordinates(const ir::Node& n, TfBuilder& b, ir::Value* idx,
                                          const std::vector<int64_t>& dshape,
                                          const std::vector<int64_t>& ishape) {
    const int r = static_cast<int>(dshape.size());
    if (static_cast<int>(ishape.size()) != r) return b.Error("indices rank differs from data rank");
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) return b.Error("attribute 'axis' is out of range");
    const std::string& p = n.name();
    const DataType i32 = DataType::kInt32;
    int64_t count = 1;
    for (int64_t d : ishape) count *= d;
    // grid[pos, j] = pos's coordinate j, 0 on the axis; onehot[j] = (j == axis).
    Tensor grid(i32, Shape([&] {
                  std::vector<int64_t> s = ishape;
                  s.push_back(r);
                  return s;
                }()));
    std::vector<int64_t> pos(r, 0);
    for (int64_t i = 0; i < count; ++i) {
      for (int j = 0; j < r; ++j)
        grid.data<int32_t>()[i * r + j] = j == axis ? 0 : static_cast<int32_t>(pos[j]);
      for (int j = r - 1; j >= 0; --j) {
        if (++pos[j] < ishape[j]) break;
        pos[j] = 0;
      }
    }
    std::vector<int32_t> onehot(r, 0);
    onehot[axis] = 1;
    ir::Value* wrapped =
        EmitT(b, "FloorMod", {idx, b.ConstInt32({dshape[axis]}, p + "/axis_size", true)}, i32,
              p + "/wrapped");
    ir::Value* col = b.Emit("ExpandDims", {wrapped, b.ConstInt32({-1}, p + "/last", true)},
                            {{"T", TypeAttr(i32)}, {"Tdim", TypeAttr(i32)}}, i32, p + "/column")
                         ->output(0);
    ir::Value* on_axis =
        EmitT(b, "Mul",
              {col, b.Const(Tensor::FromVector<int32_t>(onehot, Shape{r}), p + "/axis_mask")}, i32,
              p + "/on_axis");
    return EmitT(b, "AddV2", {b.Const(grid, p + "/grid"), on_axis}, i32, p + "/coordinates");
  }
};

}  // namespace

void RegisterScatter(ConverterTable& t) {
  t.Add(std::make_unique<ScatterToTf>("ScatterND", 11));
  t.Add(std::make_unique<ScatterToTf>("ScatterElements", 11));
  t.Add(std::make_unique<ScatterToTf>("Scatter", 9));
}

}  // namespace ferry::convert::onnx_to_tf::ops
