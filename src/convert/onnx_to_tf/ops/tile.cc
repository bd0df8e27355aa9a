// ONNX Tile (6, 13) -> TF Tile(input, multiples); multiples may be computed at run time.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class TileToTf final : public OpConverter {
 public:
  TileToTf() : OpConverter("Tile", 6) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    const ValueFacts& m = ctx.in(1);
    if (x.rank() < 0) return Status::Ok();
    std::vector<ir::Dim> dims = *x.dims;
    for (int i = 0; i < x.rank(); ++i) {
      const bool known = m.elements && static_cast<int>(m.elements->size()) == x.rank() &&
                         (*m.elements)[i].known() && dims[i].known();
      dims[i] = known ? ir::Dim::Known(dims[i].value * (*m.elements)[i].value) : ir::Dim::Unknown();
    }
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * m, b.Input(1));
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, b.Emit("Tile", {x, m},
                          {{"T", TypeAttr(t)}, {"Tmultiples", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterTile(ConverterTable& t) { t.Add(std::make_unique<TileToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
