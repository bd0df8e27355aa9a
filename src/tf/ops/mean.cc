// TF Mean(input, reduction_indices) with keep_dims (math_ops.cc). Reduces any set of axes:
// the output index of each input element is found by dropping the reduced coordinates.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class Mean final : public runtime::Op {
 public:
  explicit Mean(const runtime::NodeInfo& info) : keep_dims_(BoolAttr(info, "keep_dims", false)) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* axes_t = ctx.input(1);
    if (!x || !axes_t) return ctx.Error("missing input");
    if (x->dtype() != DataType::kFloat32) return ctx.Error("only float32 is supported");
    const int r = x->rank();
    std::vector<bool> reduced(r, false);
    for (int64_t a : axes_t->ToInt64Vector()) {
      auto ax = NormalizeAxis(a, r, ctx.node().Describe() + " reduction_indices");
      if (!ax.ok()) return ax.status();
      reduced[*ax] = true;
    }
    std::vector<int64_t> out_dims, kept_dims;
    std::vector<int64_t> out_stride(r, 0);
    int64_t count = 1;
    for (int i = 0; i < r; ++i) {
      if (reduced[i]) {
        count *= x->dim(i);
        if (keep_dims_) out_dims.push_back(1);
      } else {
        out_dims.push_back(x->dim(i));
      }
    }
    // Strides into the (compact) output for each input axis; 0 for reduced axes.
    int64_t s = 1;
    for (int i = r - 1; i >= 0; --i) {
      if (!reduced[i]) {
        out_stride[i] = s;
        s *= x->dim(i);
      }
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape(out_dims)));
    float* o = out->data<float>();
    const int64_t on = out->NumElements();
    std::vector<double> acc(on, 0.0);
    const float* in = x->data<float>();
    std::vector<int64_t> idx(r, 0);
    int64_t oi = 0;
    const int64_t n = x->NumElements();
    for (int64_t i = 0; i < n; ++i) {
      acc[oi] += in[i];
      for (int d = r - 1; d >= 0; --d) {
        ++idx[d];
        oi += out_stride[d];
        if (idx[d] < x->dim(d)) break;
        oi -= out_stride[d] * x->dim(d);
        idx[d] = 0;
      }
    }
    for (int64_t i = 0; i < on; ++i) o[i] = static_cast<float>(acc[i] / (count ? count : 1));
    return Status::Ok();
  }

 private:
  bool keep_dims_;
};

}  // namespace

void RegisterMean(runtime::OpSet& s) { s.Add<Mean>("Mean", 1, "tf"); }

}  // namespace ferry::tf::ops
