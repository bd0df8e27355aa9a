// ONNX ConvTranspose (1, 11): transposed convolution of [N, C, spatial...] data (1-D to 3-D)
// with [C, M / group, kernel...] weights and optional bias [M]. Output size per dim is
// stride * (in - 1) + output_padding + dilated kernel - pads; output_shape, or auto_pad SAME_*
// (output = in * stride), instead fixes the output and derives the pads: the odd element goes
// at the end for SAME_UPPER and at the beginning otherwise (ConvTranspose-11 spec).
#include <string>

#include "kernels/conv_nd.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ConvTranspose final : public Op {
 public:
  explicit ConvTranspose(const NodeInfo& info) {
    auto attrs = SpatialAttrs::Read(info, /*kernel_required=*/false, /*max_spatial=*/3);
    if (!attrs.ok()) {
      init_status_ = attrs.status();
      return;
    }
    attrs_ = *attrs;
    group_ = info.node().GetInt("group", 1);
    if (group_ <= 0) init_status_ = info.Error("attribute group must be positive");
    output_padding_ = info.node().GetInts("output_padding");
    output_shape_ = info.node().GetInts("output_shape");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* xp, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* wp, RequiredInput(ctx, 1));
    const int rank = xp->rank();
    if (rank < 3 || rank > 5)
      return ctx.Error("input 0 has rank " + std::to_string(rank) + ", expected 3 to 5");
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, rank));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 1));
    const Tensor& x = *xp;
    const Tensor& w = *wp;
    const Tensor* b = ctx.input(2);
    const int sp = rank - 2;
    kernels::ConvNdParams p;
    p.batch = x.dim(0);
    p.in_channels = x.dim(1);
    p.groups = group_;
    p.out_channels = w.dim(1) * group_;
    if (w.dim(0) != p.in_channels || p.in_channels % group_ != 0)
      return ctx.Error("weights " + w.shape().ToString() + " with group " +
                       std::to_string(group_) + " do not fit input 0 of shape " +
                       x.shape().ToString());
    if (b && (b->rank() != 1 || b->dim(0) != p.out_channels))
      return ctx.Error("bias (input 2) has shape " + b->shape().ToString() + ", expected [" +
                       std::to_string(p.out_channels) + "]");
    auto at = [](const std::vector<int64_t>& v, size_t i, int64_t def) {
      return i < v.size() ? v[i] : def;
    };
    // output_shape may list only the spatial dims or the whole output shape.
    std::vector<int64_t> out_shape = output_shape_;
    if (static_cast<int>(out_shape.size()) == rank) out_shape.erase(out_shape.begin(), out_shape.begin() + 2);
    if (!out_shape.empty() && static_cast<int>(out_shape.size()) != sp)
      return ctx.Error("attribute output_shape has " + std::to_string(output_shape_.size()) +
                       " values for " + std::to_string(sp) + "-D data");
    std::vector<int64_t> y_dims = {p.batch, p.out_channels};
    for (int d = 0; d < sp; ++d) {
      const int64_t in = x.dim(2 + d), k = w.dim(2 + d);
      if (!attrs_.kernel.empty() && at(attrs_.kernel, d, k) != k)
        return ctx.Error("kernel_shape does not match weights of shape " + w.shape().ToString());
      const int64_t s = at(attrs_.strides, d, 1), dil = at(attrs_.dilations, d, 1);
      const int64_t opad = at(output_padding_, d, 0);
      const int64_t full = s * (in - 1) + opad + (k - 1) * dil + 1;
      int64_t pb = at(attrs_.pads, d, 0), pe = at(attrs_.pads, d + sp, 0), out = 0;
      const bool same = attrs_.auto_pad == "SAME_UPPER" || attrs_.auto_pad == "SAME_LOWER";
      if (attrs_.auto_pad == "VALID") pb = pe = 0;
      if (!out_shape.empty() || same) {
        out = !out_shape.empty() ? out_shape[d] : in * s;
        const int64_t total = full - out;
        // Negative totals (output larger than the full result) leave zeros at the end.
        pb = attrs_.auto_pad == "SAME_UPPER" ? total / 2 : total - total / 2;
        if (total < 0) pb = 0;
      } else {
        out = full - pb - pe;
      }
      if (out < 0) return ctx.Error("pads exceed the output size in spatial dim " + std::to_string(d));
      p.in.push_back(in);
      p.kernel.push_back(k);
      p.strides.push_back(s);
      p.dilations.push_back(dil);
      p.pads_begin.push_back(pb);
      p.out.push_back(out);
      y_dims.push_back(out);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape(y_dims)));
    kernels::ConvTransposeNd(p, x.data<float>(), w.data<float>(), b ? b->data<float>() : nullptr,
                             y->data<float>());
    return Status::Ok();
  }

 private:
  SpatialAttrs attrs_;
  int64_t group_ = 1;
  std::vector<int64_t> output_padding_;
  std::vector<int64_t> output_shape_;
};

}  // namespace

void RegisterConvTranspose(OpSet& s) {
  for (int v : {1, 11}) s.Add<ConvTranspose>("ConvTranspose", v);
}

}  // namespace ferry::onnx::ops
