// TF reductions Mean, Sum, Max, Min, Prod(input, reduction_indices) with keep_dims
// (tensorflow/core/ops/math_ops.cc). One class parameterised by the kernel's ReduceOp.
#include <vector>

#include "kernels/reduce.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <kernels::ReduceOp K>
class Reduction final : public runtime::Op {
 public:
  explicit Reduction(const runtime::NodeInfo& info)
      : keep_dims_(BoolAttr(info, "keep_dims", false)) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* axes_t = ctx.input(1);
    if (!x || !axes_t) return ctx.Error("missing input");
    const int r = x->rank();
    std::vector<bool> reduced(r, false);
    for (int64_t a : axes_t->ToInt64Vector()) {
      auto ax = NormalizeAxis(a, r, ctx.node().Describe() + " reduction_indices");
      if (!ax.ok()) return ax.status();
      reduced[*ax] = true;
    }
    std::vector<int> axes;
    std::vector<int64_t> out_dims;
    for (int i = 0; i < r; ++i) {
      if (reduced[i]) {
        axes.push_back(i);
        if (keep_dims_) out_dims.push_back(1);
      } else {
        out_dims.push_back(x->dim(i));
      }
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, x->dtype(), Shape(out_dims)));
    // The kernel writes the keep-dims layout, which has the same element order.
    const std::vector<int64_t> dims = x->shape().dims();
    switch (x->dtype()) {
      case DataType::kFloat32:
        kernels::Reduce<float>(K, x->data<float>(), dims, axes, out->data<float>());
        break;
      case DataType::kFloat64:
        kernels::Reduce<double>(K, x->data<double>(), dims, axes, out->data<double>());
        break;
      case DataType::kInt32:
        kernels::Reduce<int32_t>(K, x->data<int32_t>(), dims, axes, out->data<int32_t>());
        break;
      case DataType::kInt64:
        kernels::Reduce<int64_t>(K, x->data<int64_t>(), dims, axes, out->data<int64_t>());
        break;
      default:
        return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    }
    return Status::Ok();
  }

 private:
  bool keep_dims_;
};

}  // namespace

void RegisterReduction(runtime::OpSet& s) {
  s.Add<Reduction<kernels::ReduceOp::kMean>>("Mean", 1, "tf");
  s.Add<Reduction<kernels::ReduceOp::kSum>>("Sum", 1, "tf");
  s.Add<Reduction<kernels::ReduceOp::kMax>>("Max", 1, "tf");
  s.Add<Reduction<kernels::ReduceOp::kMin>>("Min", 1, "tf");
  s.Add<Reduction<kernels::ReduceOp::kProd>>("Prod", 1, "tf");
}

}  // namespace ferry::tf::ops
