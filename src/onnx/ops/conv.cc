// ONNX Conv (1, 11): 2-D convolution of NCHW data with OIHW weights, any group count
// (depthwise included), dilations, explicit or auto_pad padding, optional bias. 1-D data
// ([N, C, W]) runs as 2-D with a height of 1; 3-D data runs the direct N-D kernel.
// The load-time optimizer's fused forms (runtime/optimize/fused_attrs.h) run here too: an
// activation, a residual input 3, and channel-blocked input/output between convolutions
// (a rank-5 input with 4-D weights is blocked: kernels/conv.h, ConvBlockedDims).
#include "kernels/conv.h"

#include <algorithm>
#include <memory>

#include "kernels/conv_nd.h"
#include "kernels/elementwise.h"
#include "kernels/pool.h"
#include "onnx/ops/op_util.h"
#include "runtime/optimize/fused_attrs.h"

namespace ferry::onnx::ops {
namespace {

class Conv final : public Op {
 public:
  explicit Conv(const NodeInfo& info) {
    auto attrs = SpatialAttrs::Read(info, /*kernel_required=*/false, /*max_spatial=*/3);
    if (!attrs.ok()) {
      init_status_ = attrs.status();
      return;
    }
    attrs_ = *attrs;
    group_ = info.node().GetInt("group", 1);
    if (group_ <= 0) init_status_ = info.Error("attribute group must be positive");
    auto act = runtime::optimize::ReadFusedActivation(info.node());
    if (!act.ok()) init_status_ = act.status();
    activation_ = act.ok() ? *act : kernels::FusedActivation{};
    residual_ = info.node().GetInt(runtime::optimize::kResidualAttr, 0) != 0;
    const int64_t blocked = info.node().GetInt(runtime::optimize::kBlockedOutputAttr, 0);
    blocked_output_ = blocked != 0;
    output_16c_ = blocked == runtime::optimize::kBlockedOutput16c;
    ReadFusedPool(info);
    // Initializer weights are reordered for oneDNN once, not on every run.
    constant_weights_ = info.constant_input(1) != nullptr &&
                        (!info.has_input(2) || info.constant_input(2) != nullptr);
    if (constant_weights_) cached_ = std::make_unique<kernels::ConstantWeightConv2D>();
    if ((residual_ || blocked_output_) && !cached_)
      init_status_ = info.Error("fused residual or blocked output needs constant weights");
    if (cached_ && init_status_.ok()) PackAhead(info);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* xp, RequiredInput(ctx, 0));
    const int rank = xp->rank();
    const bool block = kernels::ConvPreferredBlocking() != kernels::ConvBlocking::kPlain;
    const Tensor* wt = ctx.input(1);
    if (!wt && packed_shape_.rank() == 0) return ctx.Error("input 1 (weights) is missing");
    // Weights the session released after PackAhead come as an omitted input.
    const Shape& ws = wt ? wt->shape() : packed_shape_;
    if (rank == 5 && cached_ && block && ws.rank() == 4) return RunBlocked(ctx, ws);
    if (rank == 5) return Run3D(ctx);
    if (rank != 3 && rank != 4)
      return ctx.Error("input 0 has rank " + std::to_string(rank) + " (shape " +
                       xp->shape().ToString() + "), expected 4 (or 3 for 1-D, 5 for 3-D)");
    if (wt) FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, rank));
    if (!wt && ws.rank() != rank)
      return ctx.Error("input 0 has rank " + std::to_string(rank) + ", the weights " +
                       ws.ToString() + " expect " + std::to_string(ws.rank()));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    if (wt) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));  // packed ones are float
    const Tensor& x = *xp;
    const Tensor* b = ctx.input(2);
    if (b) FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
    const bool is_1d = rank == 3;
    auto p = Params(x.dim(0), x.dim(1), is_1d ? 1 : x.dim(2), x.dim(rank - 1), ws,
                    b ? &b->shape() : nullptr, x.shape());
    if (!p.ok()) return ctx.Error(p.status().message());
    kernels::ConvTensors t;
    t.x = x.data<float>();
    t.w = wt ? wt->data<float>() : nullptr;  // nullptr: the kernel's packed copy
    t.b = b ? b->data<float>() : nullptr;
    return Finish(ctx, *p, t, is_1d, block);
  }

  // The weights, once packed at construction (PackAhead), are not read again.
  std::vector<int> ReleasableConstantInputs() const override {
    if (packed_shape_.rank() > 0) return {1};
    return {};
  }

 private:
  // The 2-D convolution (1-D data: in_h = 1 and 3-D weights) of logical input [n, c, in_h,
  // in_w] with weights `ws` and bias `bs` (or nullptr), checked against each other and the
  // attributes; messages quote `x_shape` as the input's shape.
  StatusOr<kernels::ConvParams> Params(int64_t n, int64_t c, int64_t in_h, int64_t in_w,
                                       const Shape& ws, const Shape* bs,
                                       const Shape& x_shape) const {
    const bool is_1d = ws.rank() == 3;
    auto attrs = attrs_.To2D(ws.rank() - 2);
    if (!attrs.ok()) return attrs.status();
    kernels::ConvParams p;
    p.batch = n;
    p.in_channels = c;
    p.in_h = in_h;
    p.in_w = in_w;
    p.out_channels = ws[0];
    p.kernel_h = is_1d ? 1 : ws[2];
    p.kernel_w = ws[ws.rank() - 1];
    p.groups = group_;
    if (!attrs->kernel.empty() &&
        (attrs->kernel[0] != p.kernel_h || attrs->kernel[1] != p.kernel_w))
      return InvalidArgument("kernel_shape does not match weights of shape " + ws.ToString());
    if (ws[1] * group_ != p.in_channels)
      return InvalidArgument("weights " + ws.ToString() + " with group " +
                             std::to_string(group_) + " expect " +
                             std::to_string(ws[1] * group_) +
                             " input channels, input 0 has shape " + x_shape.ToString());
    if (p.out_channels % group_ != 0)
      return InvalidArgument("output channels " + std::to_string(p.out_channels) +
                             " not divisible by group " + std::to_string(group_));
    if (bs && (bs->rank() != 1 || (*bs)[0] != p.out_channels))
      return InvalidArgument("bias (input 2) has shape " + bs->ToString() + ", expected [" +
                             std::to_string(p.out_channels) + "]");
    p.stride_h = attrs->strides[0];
    p.stride_w = attrs->strides[1];
    p.dilation_h = attrs->dilations[0];
    p.dilation_w = attrs->dilations[1];
    std::tie(p.pad_top, p.pad_bottom) = attrs->Pads(0, p.in_h, p.kernel_h);
    std::tie(p.pad_left, p.pad_right) = attrs->Pads(1, p.in_w, p.kernel_w);
    FERRY_RETURN_IF_ERROR(p.Validate());
    p.activation = activation_;
    return p;
  }

  // At construction, when input 0's channels and spatial dims are known from the graph (an
  // unknown batch counts as 1): the weights are packed now (ConstantWeightConv2D::Pack), one
  // layer at a time, so that the session can free the originals before the first run.
  void PackAhead(const NodeInfo& info) {
    const Tensor* w = info.constant_input(1);
    const Tensor* b = info.constant_input(2);
    const ir::Value* xv = info.node().input(0);
    if (!w || (w->rank() != 3 && w->rank() != 4) || w->dtype() != DataType::kFloat32 ||
        (b && b->dtype() != DataType::kFloat32) || !xv || !xv->info().shape)
      return;
    const auto& dims = *xv->info().shape;
    if (static_cast<int>(dims.size()) != w->rank()) return;
    for (size_t i = 1; i < dims.size(); ++i)
      if (!dims[i].known()) return;
    const bool is_1d = w->rank() == 3;
    const int64_t n = dims[0].known() ? dims[0].value : 1;
    std::vector<int64_t> xd;
    for (const auto& d : dims) xd.push_back(d.known() ? d.value : 1);
    auto p = Params(n, dims[1].value, is_1d ? 1 : dims[2].value, dims.back().value, w->shape(),
                    b ? &b->shape() : nullptr, Shape(xd));
    if (!p.ok()) return;  // reported by Run, as before
    const bool block = kernels::ConvPreferredBlocking() != kernels::ConvBlocking::kPlain;
    auto blocked = [&](const ir::Value* v) {
      return block && !is_1d && v && v->producer() &&
             v->producer()->GetInt(runtime::optimize::kBlockedOutputAttr, 0) != 0;
    };
    kernels::ConvTensors t;
    t.w = w->data<float>();
    t.b = b ? b->data<float>() : nullptr;
    auto in_16c = [&](const ir::Value* v) {
      return blocked(v) && v->producer()->GetInt(runtime::optimize::kBlockedOutputAttr, 0) ==
                               runtime::optimize::kBlockedOutput16c;
    };
    t.x_blocked = blocked(xv);
    t.x_16c = in_16c(xv);
    t.y_blocked = blocked_output_ && block && !is_1d;
    t.y_16c = t.y_blocked && output_16c_ && !pool_;
    static const float kResidualMarker = 0;
    if (residual_) {
      t.residual = &kResidualMarker;  // Pack reads only whether there is one
      t.residual_blocked = info.num_inputs() > 3 && blocked(info.node().input(3));
      t.residual_16c = info.num_inputs() > 3 && in_16c(info.node().input(3));
    }
    // A failure leaves the weights to be packed on the first run, as without this.
    if (cached_->Pack(*p, t, info.num_threads()).ok()) packed_shape_ = w->shape();
  }

  // 3-D data [N, C, D, H, W]: the direct kernel, no oneDNN.
  Status Run3D(OpContext& ctx) const {
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 5));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    const Tensor& x = *ctx.input(0);
    const Tensor& w = *ctx.input(1);
    const Tensor* b = ctx.input(2);
    kernels::ConvNdParams p;
    p.batch = x.dim(0);
    p.in_channels = x.dim(1);
    p.out_channels = w.dim(0);
    p.groups = group_;
    if (w.dim(1) * group_ != p.in_channels || p.out_channels % group_ != 0)
      return ctx.Error("weights " + w.shape().ToString() + " with group " +
                       std::to_string(group_) + " do not fit input 0 of shape " +
                       x.shape().ToString());
    if (b && (b->rank() != 1 || b->dim(0) != p.out_channels))
      return ctx.Error("bias (input 2) has shape " + b->shape().ToString() + ", expected [" +
                       std::to_string(p.out_channels) + "]");
    std::vector<int64_t> y_dims = {p.batch, p.out_channels};
    for (int d = 0; d < 3; ++d) {
      const int64_t in = x.dim(2 + d), k = w.dim(2 + d);
      if (!attrs_.kernel.empty() && attrs_.kernel[d] != k)
        return ctx.Error("kernel_shape does not match weights of shape " + w.shape().ToString());
      const int64_t s = attrs_.strides.empty() ? 1 : attrs_.strides[d];
      const int64_t dil = attrs_.dilations.empty() ? 1 : attrs_.dilations[d];
      int64_t pb = attrs_.pads.empty() ? 0 : attrs_.pads[d];
      int64_t pe = attrs_.pads.empty() ? 0 : attrs_.pads[d + 3];
      if (attrs_.auto_pad == "VALID") pb = pe = 0;
      if (attrs_.auto_pad == "SAME_UPPER" || attrs_.auto_pad == "SAME_LOWER") {
        const int64_t out = (in + s - 1) / s;
        const int64_t total = std::max<int64_t>(0, (out - 1) * s + dil * (k - 1) + 1 - in);
        pb = attrs_.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        pe = total - pb;
      }
      const int64_t span = in + pb + pe - dil * (k - 1) - 1;
      if (span < 0)
        return ctx.Error("kernel " + w.shape().ToString() + " is larger than padded input " +
                         x.shape().ToString());
      p.in.push_back(in);
      p.kernel.push_back(k);
      p.strides.push_back(s);
      p.dilations.push_back(dil);
      p.pads_begin.push_back(pb);
      p.out.push_back(span / s + 1);
      y_dims.push_back(p.out.back());
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(y_dims)));
    kernels::ConvNd(p, x.data<float>(), w.data<float>(), b ? b->data<float>() : nullptr,
                    y->data<float>());
    return Status::Ok();
  }

  // Blocked input (kernels::ConvBlockedDims) from a preceding fused Conv.
  Status RunBlocked(OpContext& ctx, const Shape& ws) const {
    const Tensor& x = *ctx.input(0);
    const Tensor* wt = ctx.input(1);
    const Tensor* b = ctx.input(2);
    const int64_t n = x.dim(0), c = ws[1] * group_, h = x.dim(2), wd = x.dim(3);
    // The preferred blocking, or nChw16c between Winograd candidates (both are the same
    // bytes when c is 16).
    const bool x_16c = x.shape().dims() != kernels::ConvBlockedDims(n, c, h, wd);
    if (x_16c && x.shape().dims() != kernels::ConvBlocked16Dims(n, c, h, wd))
      return ctx.Error("blocked input 0 of shape " + x.shape().ToString() +
                       " does not hold the " + std::to_string(c) + " channels weights " +
                       ws.ToString() + " expect");
    auto p = Params(n, c, h, wd, ws, b ? &b->shape() : nullptr, x.shape());
    if (!p.ok()) return ctx.Error(p.status().message());
    kernels::ConvTensors t;
    t.x = x.data<float>();
    t.x_blocked = true;
    t.x_16c = x_16c;
    t.w = wt ? wt->data<float>() : nullptr;
    t.b = b ? b->data<float>() : nullptr;
    return Finish(ctx, *p, t, /*is_1d=*/false, true);
  }

  // Allocates the output (blocked when allowed), adds the residual, runs the kernel.
  Status Finish(OpContext& ctx, kernels::ConvParams& p, kernels::ConvTensors& t, bool is_1d,
                bool block) const {
    const int64_t oh = p.out_h(), ow = p.out_w();
    const Shape y_logical = is_1d ? Shape{p.batch, p.out_channels, ow}
                                  : Shape{p.batch, p.out_channels, oh, ow};
    const Tensor* r = residual_ ? ctx.input(3) : nullptr;
    if (residual_ && !r) return ctx.Error("fused residual input 3 is missing");
    bool r_blocked = false, r_16c = false;
    if (r) {
      const auto& rd = r->shape().dims();
      r_blocked = r->rank() == 5 && block && !is_1d &&
                  rd == kernels::ConvBlockedDims(p.batch, p.out_channels, oh, ow);
      r_16c = r->rank() == 5 && block && !is_1d && !r_blocked &&
              rd == kernels::ConvBlocked16Dims(p.batch, p.out_channels, oh, ow);
      r_blocked = r_blocked || r_16c;
      if (!r_blocked && r->shape() != y_logical) return RunBroadcastResidual(ctx, p, t, y_logical);
      if (r->dtype() != DataType::kFloat32) return ctx.Error("residual input 3 is not float");
    }
    if (pool_) {
      if (is_1d || r) return ctx.Error("fused max pooling needs 2-D data and no residual");
      return FinishPooled(ctx, p, t);
    }
    const bool y_blocked = blocked_output_ && block && !is_1d;
    const bool y_16c = y_blocked && output_16c_;
    Shape y_shape = !y_blocked ? y_logical
                    : y_16c    ? Shape(kernels::ConvBlocked16Dims(p.batch, p.out_channels, oh, ow))
                               : Shape(kernels::ConvBlockedDims(p.batch, p.out_channels, oh, ow));
    // The kernel accumulates onto the residual (oneDNN's sum post-op reads dst first): a
    // residual laid out as the output that dies here becomes the output, with no copy.
    const bool in_place = r && r_blocked == y_blocked && r_16c == y_16c && r->shape() == y_shape;
    FERRY_ASSIGN_OR_RETURN(Tensor * y,
                           in_place ? ctx.OutputInPlace(0, 3, DataType::kFloat32, std::move(y_shape))
                                    : ctx.Output(0, DataType::kFloat32, std::move(y_shape)));
    t.y = y->data<float>();
    t.y_blocked = y_blocked;
    t.y_16c = y_16c;
    if (r) {
      t.residual = r->data<float>();
      t.residual_blocked = r_blocked;
      t.residual_16c = r_16c;
    }
    Status s = cached_ ? cached_->Run(p, t, ctx.num_threads())
                       : kernels::Conv2D(p, t.x, t.w, t.b, t.y, ctx.num_threads());
    return s.ok() ? s : s.WithContext(ctx.node().Describe());
  }

  // The optimizer's Conv + MaxPool (runtime/optimize/fuse_pool.cc).
  void ReadFusedPool(const NodeInfo& info) {
    namespace opt = runtime::optimize;
    const ir::Node& n = info.node();
    if (!n.has_attr(opt::kPoolKernelAttr)) return;
    const auto k = n.GetInts(opt::kPoolKernelAttr), s = n.GetInts(opt::kPoolStridesAttr);
    const auto pads = n.GetInts(opt::kPoolPadsAttr);
    if (k.size() != 2 || s.size() != 2 || pads.size() != 4) {
      init_status_ = info.Error("bad fused pooling attributes");
      return;
    }
    pool_ = true;
    pool_params_.kind = kernels::PoolKind::kMax;
    pool_params_.kernel_h = k[0];
    pool_params_.kernel_w = k[1];
    pool_params_.stride_h = s[0];
    pool_params_.stride_w = s[1];
    pool_params_.pad_top = pads[0];
    pool_params_.pad_left = pads[1];
    pool_params_.pad_bottom = pads[2];
    pool_params_.pad_right = pads[3];
    pool_ceil_ = n.GetInt(opt::kPoolCeilAttr, 0) != 0;
  }

  // Convolves into a scratch tensor in oneDNN's layout, then max-pools into the output:
  // channels-last pools straight from the convolution's own layout and, for a following
  // Conv, writes channels-last too. A few images at a time (at most kPoolChunkBytes of
  // convolution output, at least one image), so that the pooling reads what the convolution
  // just wrote from cache rather than memory: ResNet-18's stem writes 3.2 MB per image.
  static constexpr int64_t kPoolChunkBytes = int64_t{4} << 20;
  Status FinishPooled(OpContext& ctx, const kernels::ConvParams& p, kernels::ConvTensors t) const {
    const bool nhwc = kernels::ConvPreferredBlocking() == kernels::ConvBlocking::kChannelsLast;
    const int64_t n = p.batch, c = p.out_channels, oh = p.out_h(), ow = p.out_w();
    kernels::PoolParams pp = pool_params_;
    pp.layout = nhwc ? kernels::Layout::kNHWC : kernels::Layout::kNCHW;
    pp.channels = c;
    pp.in_h = oh;
    pp.in_w = ow;
    pp.out_h = kernels::PoolParams::OutputSize(oh, pp.kernel_h, pp.stride_h, 1, pp.pad_top,
                                               pp.pad_bottom, pool_ceil_);
    pp.out_w = kernels::PoolParams::OutputSize(ow, pp.kernel_w, pp.stride_w, 1, pp.pad_left,
                                               pp.pad_right, pool_ceil_);
    Status valid = pp.Validate();
    if (!valid.ok()) return ctx.Error("fused MaxPool: " + valid.message());
    const int64_t ph = pp.out_h, pw = pp.out_w;
    const bool y_blocked = nhwc && blocked_output_;
    FERRY_ASSIGN_OR_RETURN(
        Tensor * y, ctx.Output(0, DataType::kFloat32,
                               y_blocked ? Shape(kernels::ConvBlockedDims(n, c, ph, pw))
                                         : Shape{n, c, ph, pw}));
    const int64_t image_out = c * oh * ow;
    const int64_t chunk = std::clamp<int64_t>(
        kPoolChunkBytes / std::max<int64_t>(1, image_out * int64_t{sizeof(float)}), 1, n);
    // Elements of one input image: 16-channel blocks pad the channels.
    const int64_t image_in =
        (t.x_16c ? (p.in_channels + 15) / 16 * 16 : p.in_channels) * p.in_h * p.in_w;
    const float* x = t.x;
    for (int64_t b0 = 0; b0 < n; b0 += chunk) {
      const int64_t nb = std::min(chunk, n - b0);
      kernels::ConvParams q = p;
      q.batch = nb;
      Tensor conv(DataType::kFloat32,
                  nhwc ? Shape(kernels::ConvBlockedDims(nb, c, oh, ow)) : Shape{nb, c, oh, ow});
      t.x = x + b0 * image_in;
      t.y = conv.data<float>();
      t.y_blocked = nhwc;
      Status s = cached_->Run(q, t, ctx.num_threads());
      if (!s.ok()) return s.WithContext(ctx.node().Describe());
      pp.batch = nb;
      float* out = y->data<float>() + b0 * c * ph * pw;
      if (y_blocked || !nhwc) {
        FERRY_RETURN_IF_ERROR(kernels::Pool2D(pp, conv.data<float>(), out, ctx.num_threads()));
        continue;
      }
      Tensor pooled(DataType::kFloat32, Shape{nb, ph, pw, c});
      FERRY_RETURN_IF_ERROR(
          kernels::Pool2D(pp, conv.data<float>(), pooled.data<float>(), ctx.num_threads()));
      // Channels-last to NCHW, the layout every other op reads.
      const float* src = pooled.data<float>();
      const int64_t hw = ph * pw;
      for (int64_t b = 0; b < nb; ++b)
        for (int64_t i = 0; i < hw; ++i)
          for (int64_t ch = 0; ch < c; ++ch) out[(b * c + ch) * hw + i] = src[(b * hw + i) * c + ch];
    }
    return Status::Ok();
  }

  // A residual that broadcasts rather than matches (the optimizer could not see shapes):
  // the unfused Conv, Add and activation, in that order.
  Status RunBroadcastResidual(OpContext& ctx, kernels::ConvParams p, kernels::ConvTensors t,
                              const Shape& y_logical) const {
    const Tensor& r = *ctx.input(3);
    if (r.rank() == 5) return ctx.Error("channel-blocked residual does not match the output");
    if (r.dtype() != DataType::kFloat32) return ctx.Error("residual input 3 is not float");
    const kernels::FusedActivation act = p.activation;
    p.activation = {};
    Tensor conv(DataType::kFloat32, y_logical);
    t.y = conv.data<float>();
    t.y_blocked = false;
    Status s = cached_->Run(p, t, ctx.num_threads());
    if (!s.ok()) return s.WithContext(ctx.node().Describe());
    auto shape = kernels::BroadcastShapes(y_logical.dims(), r.shape().dims());
    if (!shape.ok()) return ctx.Error("residual: " + shape.status().message());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(*shape)));
    FERRY_RETURN_IF_ERROR(kernels::Binary<float>(kernels::BinaryOp::kAdd, conv.data<float>(),
                                                 y_logical.dims(), r.data<float>(),
                                                 r.shape().dims(), y->data<float>()));
    float* out = y->data<float>();
    for (int64_t i = 0; i < y->NumElements(); ++i) out[i] = act.Apply(out[i]);
    return Status::Ok();
  }

  SpatialAttrs attrs_;
  int64_t group_ = 1;
  kernels::FusedActivation activation_;
  bool residual_ = false;
  bool blocked_output_ = false;
  bool output_16c_ = false;  // blocked output in nChw16c (fused_attrs.h, kBlockedOutput16c)
  bool pool_ = false;  // fused MaxPool
  bool pool_ceil_ = false;
  kernels::PoolParams pool_params_;
  bool constant_weights_ = false;
  std::unique_ptr<kernels::ConstantWeightConv2D> cached_;
  Shape packed_shape_;  // the weights' shape once PackAhead packed them (else rank 0)
};

}  // namespace

void RegisterConv(OpSet& s) {
  s.Add<Conv>("Conv", 1);
  s.Add<Conv>("Conv", 11);
}

}  // namespace ferry::onnx::ops
