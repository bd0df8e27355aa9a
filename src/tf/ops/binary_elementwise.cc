// TF's broadcasting binary ops: AddV2, Add, Sub, Mul, RealDiv, Maximum, Minimum, FloorMod
// (the remainder takes the divisor's sign, as Python's %), FloorDiv (the quotient rounded
// toward -inf, as Python's //) (tensorflow/core/ops/math_ops.cc), on numeric types and
// float16/bfloat16 (through float32). One class: they differ only in the scalar function.
#include <algorithm>
#include <cmath>
#include <type_traits>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

enum class BinaryKind { kAdd, kSub, kMul, kDiv, kMax, kMin, kFloorMod, kFloorDiv };

template <BinaryKind K>
class BinaryElementwise final : public runtime::Op {
 public:
  explicit BinaryElementwise(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b) return ctx.Error("missing input");
    if (a->dtype() != b->dtype())
      return ctx.Error(std::string("inputs have dtypes ") + DataTypeName(a->dtype()) + " and " +
                       DataTypeName(b->dtype()));
    FERRY_ASSIGN_OR_RETURN(Shape s, BroadcastShape(a->shape(), b->shape(), ctx));
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, a->dtype(), s));
    if (IsHalf(a->dtype())) {
      // float16 / bfloat16 (TF registers these ops for both): computed in float32, rounded back.
      const Tensor fa = ToFloat(*a), fb = ToFloat(*b);
      Tensor fo(DataType::kFloat32, s);
      BroadcastBinary<float>(fa, fb, &fo, Fn<float>());
      const bool bf16 = a->dtype() == DataType::kBFloat16;
      for (int64_t i = 0; i < fo.NumElements(); ++i)
        out->data<uint16_t>()[i] =
            bf16 ? FloatToBFloat16(fo.data<float>()[i]) : FloatToHalf(fo.data<float>()[i]);
      return Status::Ok();
    }
    const bool ok = VisitNumeric(a->dtype(), [&](auto tag) {
      using T = decltype(tag);
      BroadcastBinary<T>(*a, *b, out, Fn<T>());
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(a->dtype()) + " is not supported");
    return Status::Ok();
  }

 private:
  static bool IsHalf(DataType t) { return t == DataType::kFloat16 || t == DataType::kBFloat16; }
  static Tensor ToFloat(const Tensor& t) {
    Tensor f(DataType::kFloat32, t.shape());
    const bool bf16 = t.dtype() == DataType::kBFloat16;
    for (int64_t i = 0; i < t.NumElements(); ++i)
      f.data<float>()[i] =
          bf16 ? BFloat16ToFloat(t.data<uint16_t>()[i]) : HalfToFloat(t.data<uint16_t>()[i]);
    return f;
  }

  template <typename T>
  static auto Fn() {
    return [](T x, T y) -> T {
      if constexpr (K == BinaryKind::kAdd) return x + y;
      if constexpr (K == BinaryKind::kSub) return x - y;
      if constexpr (K == BinaryKind::kMul) return x * y;
      if constexpr (K == BinaryKind::kDiv)
        return y == T(0) && !std::is_floating_point_v<T> ? T(0) : x / y;
      // TF's Maximum/Minimum (and TF.js's) give NaN when either side is NaN; std::max alone
      // would keep a NaN only on the left.
      if constexpr (K == BinaryKind::kMax) {
        if constexpr (std::is_floating_point_v<T>)
          if (std::isnan(x) || std::isnan(y)) return x + y;
        return std::max(x, y);
      }
      if constexpr (K == BinaryKind::kMin) {
        if constexpr (std::is_floating_point_v<T>)
          if (std::isnan(x) || std::isnan(y)) return x + y;
        return std::min(x, y);
      }
      if constexpr (K == BinaryKind::kFloorDiv) {
        if constexpr (std::is_floating_point_v<T>) {
          return std::floor(x / y);
        } else if constexpr (std::is_signed_v<T>) {
          if (y == T(0)) return T(0);  // TF's CPU kernel reports an error; ferry returns 0
          const T q = static_cast<T>(x / y);
          return (x % y != T(0)) && ((x < T(0)) != (y < T(0))) ? static_cast<T>(q - 1) : q;
        } else {
          return y == T(0) ? T(0) : static_cast<T>(x / y);
        }
      }
      if constexpr (K == BinaryKind::kFloorMod) {
        if constexpr (std::is_floating_point_v<T>) {
          T r = std::fmod(x, y);
          return r != T(0) && ((r < T(0)) != (y < T(0))) ? r + y : r;
        } else if constexpr (std::is_signed_v<T>) {
          if (y == T(0)) return T(0);
          T r = x % y;
          return r != T(0) && ((r < T(0)) != (y < T(0))) ? static_cast<T>(r + y) : r;
        } else {
          return y == T(0) ? T(0) : static_cast<T>(x % y);
        }
      }
    };
  }
};

}  // namespace

void RegisterBinaryElementwise(runtime::OpSet& s) {
  s.Add<BinaryElementwise<BinaryKind::kAdd>>("AddV2", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kAdd>>("Add", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kSub>>("Sub", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kMul>>("Mul", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kDiv>>("RealDiv", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kMax>>("Maximum", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kMin>>("Minimum", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kFloorMod>>("FloorMod", 1, "tf");
  s.Add<BinaryElementwise<BinaryKind::kFloorDiv>>("FloorDiv", 1, "tf");
}

}  // namespace ferry::tf::ops
