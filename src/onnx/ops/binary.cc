// ONNX binary arithmetic with numpy broadcasting: Add, Sub, Mul, Div (1, 6, 7, 13, 14) and
// Pow (1, 7, 12, 13, 15). Integer types serve the shape computations exporters emit. Before
// opset 7, B broadcasts onto A only with broadcast=1, aligned at `axis` (Add-6). Mod (10, 13)
// picks C fmod with fmod=1; BitShift (11) reads its direction attribute. float16 and bfloat16
// compute in float32 and round once.
#include <optional>
#include <string>

#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <kernels::BinaryOp K>
class Binary final : public Op {
 public:
  explicit Binary(const NodeInfo& info) {
    if (K == kernels::BinaryOp::kMod && info.node().GetInt("fmod", 0) != 0)
      op_ = kernels::BinaryOp::kFmod;
    if (K == kernels::BinaryOp::kShiftLeft) {
      const std::string dir = info.node().GetString("direction", "");
      if (dir == "RIGHT")
        op_ = kernels::BinaryOp::kShiftRight;
      else if (dir != "LEFT")
        init_status_ = info.Error("direction is '" + dir + "', expected LEFT or RIGHT");
    }
    if (info.opset() < 7 && info.node().GetInt("broadcast", 0) != 0 && info.node().has_attr("axis"))
      legacy_axis_ = info.node().GetInt("axis", 0);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* a, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* b, RequiredInput(ctx, 1));
    if (IsHalf(a->dtype()) && a->dtype() == b->dtype()) return RunHalf(ctx, *a, *b);
    Tensor converted;
    if (a->dtype() != b->dtype()) {
      // Pow-12: the exponent may have its own type; compute in the base's type.
      if (K != kernels::BinaryOp::kPow) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
      converted = Tensor(a->dtype(), b->shape());
      FERRY_RETURN_IF_ERROR(Dispatch<Types::kNumeric>(ctx, a->dtype(), [&](auto tag) -> Status {
        using T = decltype(tag);
        const int64_t n = b->NumElements();
        for (int64_t i = 0; i < n; ++i) converted.data<T>()[i] = static_cast<T>(b->GetAsDouble(i));
        return Status::Ok();
      }));
      b = &converted;
    }
    std::vector<int64_t> b_shape = b->shape().dims();
    if (legacy_axis_) {
      // Legacy broadcast: B's dims line up with A's from `axis` on; pad B with trailing 1s.
      const int64_t axis = *legacy_axis_ < 0 ? *legacy_axis_ + a->rank() : *legacy_axis_;
      while (axis + static_cast<int64_t>(b_shape.size()) < a->rank()) b_shape.push_back(1);
    }
    auto shape = kernels::BroadcastShapes(a->shape().dims(), b_shape);
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, a->dtype(), Shape(*shape)));
    Status s = Dispatch<Types::kNumeric>(ctx, a->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      return kernels::Binary<T>(op_, a->data<T>(), a->shape().dims(), b->data<T>(), b_shape,
                                y->data<T>());
    });
    return s.ok() || s.code() == StatusCode::kUnimplemented ? s : ctx.Error(s.message());
  }

 private:
  Status RunHalf(OpContext& ctx, const Tensor& a, const Tensor& b) const {
    const Tensor a32 = HalfToFloat32(a), b32 = HalfToFloat32(b);
    auto shape = kernels::BroadcastShapes(a.shape().dims(), b.shape().dims());
    if (!shape.ok()) return ctx.Error(shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor y32, Tensor::Create(DataType::kFloat32, Shape(*shape)));
    Status s = kernels::Binary<float>(op_, a32.data<float>(), a.shape().dims(), b32.data<float>(),
                                      b.shape().dims(), y32.data<float>());
    if (!s.ok()) return s.code() == StatusCode::kUnimplemented ? s : ctx.Error(s.message());
    ctx.SetOutput(0, Float32ToHalf(y32, a.dtype()));
    return Status::Ok();
  }

  std::optional<int64_t> legacy_axis_;
  kernels::BinaryOp op_ = K;
};

}  // namespace

void RegisterAdd(OpSet& s) {
  for (int v : {1, 6, 7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kAdd>>("Add", v);
}
void RegisterSub(OpSet& s) {
  for (int v : {1, 6, 7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kSub>>("Sub", v);
}
void RegisterMul(OpSet& s) {
  for (int v : {1, 6, 7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kMul>>("Mul", v);
}
void RegisterDiv(OpSet& s) {
  for (int v : {1, 6, 7, 13, 14}) s.Add<Binary<kernels::BinaryOp::kDiv>>("Div", v);
}
void RegisterPow(OpSet& s) {
  for (int v : {1, 7, 12, 13, 15}) s.Add<Binary<kernels::BinaryOp::kPow>>("Pow", v);
}

void RegisterMod(OpSet& s) {
  for (int v : {10, 13}) s.Add<Binary<kernels::BinaryOp::kMod>>("Mod", v);
}
void RegisterBitShift(OpSet& s) { s.Add<Binary<kernels::BinaryOp::kShiftLeft>>("BitShift", 11); }

}  // namespace ferry::onnx::ops
