// ONNX MaxPool (1, 8, 10, 11, 12) and AveragePool (1, 7, 10, 11): 2-D NCHW pooling with
// explicit or auto_pad padding, dilations (MaxPool-10+) and ceil_mode (10+); 1-D data
// ([N, C, W]) runs as 2-D with a height of 1 and 3-D data runs the direct N-D kernel. Also
// GlobalAveragePool and GlobalMaxPool (1). MaxPool-12 also takes int8/uint8: those run the
// float kernel on widened values (exact: float32 holds every 8-bit integer) and narrow back.
#include "onnx/ops/pool.h"

#include "kernels/conv.h"
#include "kernels/conv_nd.h"
#include "kernels/reduce.h"
#include "runtime/optimize/fused_attrs.h"

namespace ferry::onnx::ops {

StatusOr<kernels::PoolParams> MakePoolParams(const OpContext& ctx, const SpatialAttrs& attrs_nd,
                                             kernels::PoolKind kind, bool count_include_pad) {
  FERRY_ASSIGN_OR_RETURN(const Tensor* xp, RequiredInput(ctx, 0));
  const int rank = xp->rank();
  if (rank != 3 && rank != 4)
    return ctx.Error("input 0 has rank " + std::to_string(rank) + " (shape " +
                     xp->shape().ToString() + "), expected 4 (or 3 for 1-D)");
  FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32, DataType::kInt8,
                                            DataType::kUInt8}));
  auto converted = attrs_nd.To2D(rank - 2);
  if (!converted.ok()) return ctx.Error(converted.status().message());
  const SpatialAttrs& attrs = *converted;
  const Tensor& x = *xp;
  kernels::PoolParams p;
  p.kind = kind;
  p.layout = kernels::Layout::kNCHW;
  p.batch = x.dim(0);
  p.channels = x.dim(1);
  p.in_h = rank == 3 ? 1 : x.dim(2);
  p.in_w = x.dim(rank - 1);
  p.kernel_h = attrs.kernel[0];
  p.kernel_w = attrs.kernel[1];
  p.stride_h = attrs.strides[0];
  p.stride_w = attrs.strides[1];
  p.dilation_h = attrs.dilations[0];
  p.dilation_w = attrs.dilations[1];
  std::tie(p.pad_top, p.pad_bottom) = attrs.Pads(0, p.in_h, p.kernel_h);
  std::tie(p.pad_left, p.pad_right) = attrs.Pads(1, p.in_w, p.kernel_w);
  if (attrs.auto_pad == "SAME_UPPER" || attrs.auto_pad == "SAME_LOWER") {
    p.out_h = (p.in_h + p.stride_h - 1) / p.stride_h;
    p.out_w = (p.in_w + p.stride_w - 1) / p.stride_w;
  } else {
    p.out_h = kernels::PoolParams::OutputSize(p.in_h, p.kernel_h, p.stride_h, p.dilation_h,
                                              p.pad_top, p.pad_bottom, attrs.ceil_mode);
    p.out_w = kernels::PoolParams::OutputSize(p.in_w, p.kernel_w, p.stride_w, p.dilation_w,
                                              p.pad_left, p.pad_right, attrs.ceil_mode);
  }
  p.count_include_pad = count_include_pad;
  Status valid = p.Validate();
  if (!valid.ok()) return ctx.Error(valid.message());
  return p;
}

namespace {

// 3-D pooling of [N, C, D, H, W] (float32) with the direct kernel.
Status RunPool3D(OpContext& ctx, const SpatialAttrs& attrs, bool max, bool count_include_pad) {
  FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
  const Tensor& x = *ctx.input(0);
  if (attrs.kernel.size() != 3)
    return ctx.Error("kernel_shape has " + std::to_string(attrs.kernel.size()) +
                     " values for 3-D data");
  kernels::ConvNdParams p;
  std::vector<int64_t> pads_end, y_dims = {x.dim(0), x.dim(1)};
  for (int d = 0; d < 3; ++d) {
    const int64_t in = x.dim(2 + d), k = attrs.kernel[d];
    const int64_t s = attrs.strides.empty() ? 1 : attrs.strides[d];
    const int64_t dil = attrs.dilations.empty() ? 1 : attrs.dilations[d];
    int64_t pb = attrs.pads.empty() ? 0 : attrs.pads[d];
    int64_t pe = attrs.pads.empty() ? 0 : attrs.pads[d + 3];
    int64_t out = 0;
    if (attrs.auto_pad == "VALID") pb = pe = 0;
    if (attrs.auto_pad == "SAME_UPPER" || attrs.auto_pad == "SAME_LOWER") {
      out = (in + s - 1) / s;
      const int64_t total = std::max<int64_t>(0, (out - 1) * s + dil * (k - 1) + 1 - in);
      pb = attrs.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
      pe = total - pb;
    } else {
      out = kernels::PoolParams::OutputSize(in, k, s, dil, pb, pe, attrs.ceil_mode);
    }
    if (out <= 0) return ctx.Error("kernel_shape is larger than the padded input");
    p.in.push_back(in);
    p.kernel.push_back(k);
    p.strides.push_back(s);
    p.dilations.push_back(dil);
    p.pads_begin.push_back(pb);
    p.out.push_back(out);
    pads_end.push_back(pe);
    y_dims.push_back(out);
  }
  FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(y_dims)));
  kernels::PoolNd(max, p, x.dim(0) * x.dim(1), pads_end, count_include_pad, x.data<float>(),
                  y->data<float>());
  return Status::Ok();
}

}  // namespace

Status RunPool(OpContext& ctx, const SpatialAttrs& attrs, kernels::PoolKind kind,
               bool count_include_pad) {
  FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
  if (x->rank() == 5)
    return RunPool3D(ctx, attrs, kind == kernels::PoolKind::kMax, count_include_pad);
  FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
  FERRY_ASSIGN_OR_RETURN(kernels::PoolParams p,
                         MakePoolParams(ctx, attrs, kind, count_include_pad));
  Shape y_shape = ctx.input(0)->rank() == 3 ? Shape{p.batch, p.channels, p.out_w}
                                            : Shape{p.batch, p.channels, p.out_h, p.out_w};
  FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, std::move(y_shape)));
  Status s = kernels::Pool2D(p, ctx.input(0)->data<float>(), y->data<float>(), ctx.num_threads());
  return s.ok() ? s : ctx.Error(s.message());
}

namespace {

class MaxPool final : public Op {
 public:
  explicit MaxPool(const NodeInfo& info) {
    auto attrs = SpatialAttrs::Read(info, /*kernel_required=*/true, /*max_spatial=*/3);
    if (!attrs.ok()) {
      init_status_ = attrs.status();
      return;
    }
    attrs_ = *attrs;
    with_indices_ = info.num_outputs() > 1 && info.node().output(1) != nullptr;
    column_major_ = info.node().GetInt("storage_order", 0) != 0;
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->dtype() == DataType::kInt8 || x->dtype() == DataType::kUInt8)
      return RunInt8(ctx, *x);
    if (!with_indices_) return RunPool(ctx, attrs_, kernels::PoolKind::kMax, false);
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_ASSIGN_OR_RETURN(kernels::PoolParams p,
                           MakePoolParams(ctx, attrs_, kernels::PoolKind::kMax, false));
    Shape y_shape = ctx.input(0)->rank() == 3 ? Shape{p.batch, p.channels, p.out_w}
                                              : Shape{p.batch, p.channels, p.out_h, p.out_w};
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, y_shape));
    FERRY_ASSIGN_OR_RETURN(Tensor * idx, ctx.Output(1, DataType::kInt64, y_shape));
    Status s = kernels::MaxPool2DWithIndices(p, ctx.input(0)->data<float>(), y->data<float>(),
                                             idx->data<int64_t>(), column_major_);
    return s.ok() ? s : ctx.Error(s.message());
  }

 private:
  // MaxPool-12 on int8/uint8 (2-D or 1-D, without indices).
  Status RunInt8(OpContext& ctx, const Tensor& x) const {
    if (with_indices_) return ctx.Error("Indices output for dtype " +
                                        std::string(DataTypeName(x.dtype())) + " is not supported");
    FERRY_ASSIGN_OR_RETURN(kernels::PoolParams p,
                           MakePoolParams(ctx, attrs_, kernels::PoolKind::kMax, false));
    Shape y_shape = x.rank() == 3 ? Shape{p.batch, p.channels, p.out_w}
                                  : Shape{p.batch, p.channels, p.out_h, p.out_w};
    Tensor xf(DataType::kFloat32, x.shape());
    for (int64_t i = 0; i < x.NumElements(); ++i)
      xf.data<float>()[i] = static_cast<float>(x.GetAsDouble(i));
    FERRY_ASSIGN_OR_RETURN(Tensor yf, Tensor::Create(DataType::kFloat32, y_shape));
    Status s = kernels::Pool2D(p, xf.data<float>(), yf.data<float>(), ctx.num_threads());
    if (!s.ok()) return ctx.Error(s.message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x.dtype(), y_shape));
    return Dispatch<Types::kNumeric>(ctx, x.dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      for (int64_t i = 0; i < y->NumElements(); ++i)
        y->data<T>()[i] = static_cast<T>(yf.data<float>()[i]);
      return Status::Ok();
    });
  }

  SpatialAttrs attrs_;
  bool with_indices_ = false;
  bool column_major_ = false;
};

class AveragePool final : public Op {
 public:
  explicit AveragePool(const NodeInfo& info) {
    auto attrs = SpatialAttrs::Read(info, /*kernel_required=*/true, /*max_spatial=*/3);
    if (!attrs.ok()) {
      init_status_ = attrs.status();
      return;
    }
    attrs_ = *attrs;
    bool dilated = false;
    for (int64_t d : attrs_.dilations) dilated |= d != 1;
    if (dilated && info.opset() < 19)
      init_status_ = info.Error("attribute dilations is not part of AveragePool before opset 19");
    count_include_pad_ = info.node().GetInt("count_include_pad", 0) != 0;
  }

  Status Run(OpContext& ctx) const override {
    return RunPool(ctx, attrs_, kernels::PoolKind::kAverage, count_include_pad_);
  }

 private:
  SpatialAttrs attrs_;
  bool count_include_pad_ = false;
};

class GlobalAveragePool final : public Op {
 public:
  explicit GlobalAveragePool(const NodeInfo& info) {
    // A Conv the optimizer let write channels-last for this node (blocked_layout.cc): its
    // output comes as [N, 1, H, W, C].
    const ir::Value* x = info.num_inputs() > 0 ? info.node().input(0) : nullptr;
    channels_last_input_ =
        x && x->producer() &&
        x->producer()->GetInt(runtime::optimize::kBlockedOutputAttr, 0) != 0 &&
        kernels::ConvPreferredBlocking() == kernels::ConvBlocking::kChannelsLast;
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    if (channels_last_input_ && x->rank() == 5 && x->dim(1) == 1) {
      const int64_t n = x->dim(0), c = x->dim(4);
      FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape{n, c, 1, 1}));
      // Per channel the same sum, in the same order, as over NCHW data.
      kernels::GlobalAveragePool(kernels::Layout::kNHWC, n, c, x->dim(2) * x->dim(3),
                                 x->data<float>(), y->data<float>());
      return Status::Ok();
    }
    if (x->rank() < 3)
      return ctx.Error("input 0 has rank " + std::to_string(x->rank()) + ", expected >= 3");
    std::vector<int64_t> out = {x->dim(0), x->dim(1)};
    int64_t spatial = 1;
    for (int d = 2; d < x->rank(); ++d) {
      spatial *= x->dim(d);
      out.push_back(1);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(out)));
    kernels::GlobalAveragePool(kernels::Layout::kNCHW, x->dim(0), x->dim(1), spatial,
                               x->data<float>(), y->data<float>());
    return Status::Ok();
  }

 private:
  bool channels_last_input_ = false;
};

// GlobalMaxPool (1): max over every spatial dim, [N, C, ...] -> [N, C, 1, ...].
class GlobalMaxPool final : public Op {
 public:
  explicit GlobalMaxPool(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->rank() < 3)
      return ctx.Error("input 0 has rank " + std::to_string(x->rank()) + ", expected >= 3");
    std::vector<int64_t> out = {x->dim(0), x->dim(1)};
    std::vector<int> axes;
    for (int d = 2; d < x->rank(); ++d) {
      out.push_back(1);
      axes.push_back(d);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Reduce<T>(kernels::ReduceOp::kMax, x->data<T>(), x->shape().dims(), axes,
                         y->data<T>());
      return Status::Ok();
    });
  }
};

}  // namespace

void RegisterGlobalMaxPool(OpSet& s) { s.Add<GlobalMaxPool>("GlobalMaxPool", 1); }

void RegisterMaxPool(OpSet& s) {
  for (int v : {1, 8, 10, 11, 12}) s.Add<MaxPool>("MaxPool", v);
}
void RegisterAveragePool(OpSet& s) {
  for (int v : {1, 7, 10, 11}) s.Add<AveragePool>("AveragePool", v);
}
void RegisterGlobalAveragePool(OpSet& s) { s.Add<GlobalAveragePool>("GlobalAveragePool", 1); }

}  // namespace ferry::onnx::ops
