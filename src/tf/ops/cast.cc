// TF Cast(x) with SrcT, DstT (math_ops.cc) between float32/64, 8- to 64-bit integers and
// bool: C++ conversions (float to int truncates toward zero, non-zero to bool is true), as
// TF's CPU kernel.
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
  DataType to_ = DataType::kUndefined;
};

}  // namespace

void RegisterCast(runtime::OpSet& s) { s.Add<Cast>("Cast", 1, "tf"); }

}  // namespace ferry::tf::ops
