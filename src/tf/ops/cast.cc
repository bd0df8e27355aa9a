// TF Cast(x) with SrcT, DstT, Truncate (math_ops.cc) between float16, bfloat16, float32/64,
// 8- to 64-bit integers and bool: C++ conversions (float to int truncates toward zero,
// non-zero to bool is true), as TF's CPU kernel. Half types go through float32; to float16
// and bfloat16 rounds to nearest even, except that Truncate = true cuts a float to bfloat16
// (keeps its upper 16 bits), as TF's cast_op does.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Cast final : public runtime::Op {
 public:
  explicit Cast(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 1) init_status_ = info.Error("expects 1 input");
    const ir::Attribute* dst = info.node().attr("DstT");
    if (!dst || dst->kind() != ir::AttrKind::kType)
      init_status_ = info.Error("attribute DstT (type) is required");
    else
      to_ = dst->type();
    truncate_ = BoolAttr(info, "Truncate", false);
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    if (x->dtype() == to_) {
      ctx.SetOutput(0, *x);
      return Status::Ok();
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, to_, x->shape()));
    const int64_t n = x->NumElements();
    if (IsHalf(x->dtype()) || IsHalf(to_)) return CastHalf(ctx, *x, y);
    bool ok_dst = true;
    const bool ok_src = VisitNumeric(
        x->dtype(),
        [&](auto src_tag) {
          using S = decltype(src_tag);
          const S* in = x->data<S>();
          ok_dst = VisitNumeric(
              to_,
              [&](auto dst_tag) {
                using D = decltype(dst_tag);
                D* out = y->data<D>();
                for (int64_t i = 0; i < n; ++i) out[i] = static_cast<D>(in[i]);
              },
              /*with_bool=*/true);
        },
        /*with_bool=*/true);
    if (!ok_src || !ok_dst)
      return ctx.Error(std::string("cast from ") + DataTypeName(x->dtype()) + " to " +
                       DataTypeName(to_) + " is not supported");
    return Status::Ok();
  }

 private:
  static bool IsHalf(DataType t) { return t == DataType::kFloat16 || t == DataType::kBFloat16; }

  // Casts with a float16/bfloat16 side through a float32 buffer.
  Status CastHalf(runtime::OpContext& ctx, const Tensor& x, Tensor* y) const {
    const int64_t n = x.NumElements();
    std::vector<float> f(n);
    if (x.dtype() == DataType::kFloat16) {
      for (int64_t i = 0; i < n; ++i) f[i] = HalfToFloat(x.data<uint16_t>()[i]);
    } else if (x.dtype() == DataType::kBFloat16) {
      for (int64_t i = 0; i < n; ++i) f[i] = BFloat16ToFloat(x.data<uint16_t>()[i]);
    } else if (!VisitNumeric(
                   x.dtype(),
                   [&](auto tag) {
                     using S = decltype(tag);
                     for (int64_t i = 0; i < n; ++i) f[i] = static_cast<float>(x.data<S>()[i]);
                   },
                   /*with_bool=*/true)) {
      return ctx.Error(std::string("cast from ") + DataTypeName(x.dtype()) + " is not supported");
    }
    if (to_ == DataType::kFloat16) {
      for (int64_t i = 0; i < n; ++i) y->data<uint16_t>()[i] = FloatToHalf(f[i]);
    } else if (to_ == DataType::kBFloat16) {
      for (int64_t i = 0; i < n; ++i) {
        uint32_t bits;
        std::memcpy(&bits, &f[i], 4);
        y->data<uint16_t>()[i] = truncate_ ? static_cast<uint16_t>(bits >> 16) : FloatToBFloat16(f[i]);
      }
    } else if (!VisitNumeric(
                   to_,
                   [&](auto tag) {
                     using D = decltype(tag);
                     for (int64_t i = 0; i < n; ++i) y->data<D>()[i] = static_cast<D>(f[i]);
                   },
                   /*with_bool=*/true)) {
      return ctx.Error(std::string("cast to ") + DataTypeName(to_) + " is not supported");
    }
    return Status::Ok();
  }

  DataType to_ = DataType::kUndefined;
  bool truncate_ = false;
};

}  // namespace

void RegisterCast(runtime::OpSet& s) { s.Add<Cast>("Cast", 1, "tf"); }

}  // namespace ferry::tf::ops
