// ONNX BitShift (11)(x, y) with direction on unsigned integers -> x * 2^y (LEFT; unsigned
// multiplication wraps as the shift drops high bits) or FloorDiv(x, 2^y) (RIGHT). TF's
// LeftShift/RightShift are not in TF.js; 2^y is GatherV2 of a constant table of the powers
// of two of T (exact for every shift below the type's width, which ONNX requires).
#include <cmath>
#include <cstring>

#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class BitShiftToTf final : public OpConverter {
 public:
  BitShiftToTf() : OpConverter("BitShift", 11) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override { return {"direction"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ctx.out(0).dims, BroadcastDims(ctx.in(0), ctx.in(1), ctx));
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    const std::string dir = n.GetString("direction", "");
    if (dir != "LEFT" && dir != "RIGHT")
      return b.Unsupported("direction", "'" + dir + "' is neither LEFT nor RIGHT");
    const std::string& p = n.name();
    const DataType i32 = DataType::kInt32;
    const int bits = static_cast<int>(SizeOf(t) * 8);
    Tensor table(t, Shape{bits});
    for (int k = 0; k < bits; ++k) {
      const Tensor v = ScalarOf(t, std::ldexp(1.0, k));
      std::memcpy(static_cast<uint8_t*>(table.raw_data()) + k * SizeOf(t), v.raw_data(), SizeOf(t));
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(1));
    ir::Value* shift = EmitCast(b, y, b.in_facts(1).dtype, i32, p + "/shift_int32");
    ir::Value* factor = b.Emit("GatherV2",
                               {b.Const(table, p + "/powers_of_two"), shift,
                                b.ConstInt32({0}, p + "/axis", true)},
                               {{"Tparams", TypeAttr(t)}, {"Tindices", TypeAttr(i32)},
                                {"Taxis", TypeAttr(i32)}, {"batch_dims", ir::Attribute::Int(0)}},
                               TfDType(t), p + "/power")
                            ->output(0);
    b.SetOutput(0, EmitT(b, dir == "LEFT" ? "Mul" : "FloorDiv", {x, factor}, t, b.OutName(0)));
    return Status::Ok();
  }
};

}  // namespace

void RegisterBitShift(ConverterTable& t) { t.Add(std::make_unique<BitShiftToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
