// ONNX NonZero (9, 13) -> Transpose(Where(x)): TF's Where lists the coordinates of the
// non-zero elements as [count, rank] in row-major order; ONNX wants [rank, count]. Where's
// int64 result is cast to int32, the graph's integer type.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class NonZeroToTf final : public OpConverter {
 public:
  NonZeroToTf() : OpConverter("NonZero", 9) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = DataType::kInt64;
    if (ctx.in(0).rank() >= 0)
      ctx.out(0).dims = std::vector<ir::Dim>{ir::Dim::Known(ctx.in(0).rank()), ir::Dim{}};
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const std::string& p = n.name();
    ir::Value* coords = b.Emit("Where", {x}, {{"T", TypeAttr(t)}}, DataType::kInt64, p + "/where")
                            ->output(0);
    coords = EmitCast(b, coords, DataType::kInt64, DataType::kInt32, p + "/int32");
    b.SetOutput(0, EmitTranspose(b, coords, DataType::kInt32, {1, 0}, b.OutName(0)));
    return Status::Ok();
  }
};

}  // namespace

void RegisterNonZero(ConverterTable& t) { t.Add(std::make_unique<NonZeroToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
