// ONNX QuantizeLinear and DequantizeLinear (10, 13): y = saturate(round(x / scale) + zp) to
// uint8 (default) or int8, and y = (x - zp) * scale from uint8/int8/int32. scale and
// zero_point are scalars, or 1-D along `axis` (default 1) from opset 13.
#include "kernels/small_ops.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

// [outer, n, inner] around the axis for per-axis parameters of n values, else n = 1.
struct QuantView {
  int64_t outer = 1, n = 1, inner = 1;
};

StatusOr<QuantView> MakeView(const OpContext& ctx, const Tensor& x, const Tensor& scale,
                             int64_t axis_attr) {
  QuantView v;
  if (scale.NumElements() == 1 && scale.rank() <= 1) {
    v.inner = x.NumElements();
    return v;
  }
  if (scale.rank() != 1)
    return ctx.Error("input 1 (scale) has shape " + scale.shape().ToString() +
                     ", expected a scalar or 1-D");
  FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_attr, x.rank(), ctx.node().Describe()));
  if (x.dim(axis) != scale.dim(0))
    return ctx.Error("input 1 (scale) has " + std::to_string(scale.dim(0)) +
                     " values, axis " + std::to_string(axis) + " of input 0 has " +
                     std::to_string(x.dim(axis)));
  for (int d = 0; d < axis; ++d) v.outer *= x.dim(d);
  v.n = x.dim(axis);
  for (int d = axis + 1; d < x.rank(); ++d) v.inner *= x.dim(d);
  return v;
}

template <bool kQuantize>
class QuantizeOp final : public Op {
 public:
  explicit QuantizeOp(const NodeInfo& info) : axis_(info.node().GetInt("axis", 1)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* scale, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 1, {DataType::kFloat32}));
    const Tensor* zp = ctx.input(2);
    if (zp && zp->NumElements() != scale->NumElements())
      return ctx.Error("input 2 (zero_point) has shape " + zp->shape().ToString() +
                       ", expected scale's " + scale->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(QuantView v, MakeView(ctx, *x, *scale, axis_));
    if constexpr (kQuantize) {
      FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
      const DataType q = zp ? zp->dtype() : DataType::kUInt8;
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, q, x->shape()));
      if (q == DataType::kUInt8) {
        kernels::QuantizeLinear<uint8_t>(x->data<float>(), v.outer, v.n, v.inner,
                                         scale->data<float>(), zp ? zp->data<uint8_t>() : nullptr,
                                         y->data<uint8_t>());
      } else if (q == DataType::kInt8) {
        kernels::QuantizeLinear<int8_t>(x->data<float>(), v.outer, v.n, v.inner,
                                        scale->data<float>(), zp->data<int8_t>(),
                                        y->data<int8_t>());
      } else {
        return Unimplemented(ctx.node().Describe() + ": output dtype " + DataTypeName(q));
      }
    } else {
      if (zp) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, x->shape()));
      const float* s = scale->data<float>();
      switch (x->dtype()) {
        case DataType::kUInt8:
          kernels::DequantizeLinear<uint8_t>(x->data<uint8_t>(), v.outer, v.n, v.inner, s,
                                             zp ? zp->data<uint8_t>() : nullptr,
                                             y->data<float>());
          break;
        case DataType::kInt8:
          kernels::DequantizeLinear<int8_t>(x->data<int8_t>(), v.outer, v.n, v.inner, s,
                                            zp ? zp->data<int8_t>() : nullptr, y->data<float>());
          break;
        case DataType::kInt32:
          kernels::DequantizeLinear<int32_t>(x->data<int32_t>(), v.outer, v.n, v.inner, s,
                                             zp ? zp->data<int32_t>() : nullptr,
                                             y->data<float>());
          break;
        default:
          return Unimplemented(ctx.node().Describe() + ": input dtype " +
                               DataTypeName(x->dtype()));
      }
    }
    return Status::Ok();
  }

 private:
  int64_t axis_;
};

}  // namespace

void RegisterQuantizeLinear(OpSet& s) {
  for (int v : {10, 13}) s.Add<QuantizeOp<true>>("QuantizeLinear", v);
}
void RegisterDequantizeLinear(OpSet& s) {
  for (int v : {10, 13}) s.Add<QuantizeOp<false>>("DequantizeLinear", v);
}

}  // namespace ferry::onnx::ops
