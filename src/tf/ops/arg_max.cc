// TF ArgMax, ArgMin(input, dimension) with output_type (math_ops.cc): the index of the first
// largest (smallest) element along one axis, which is removed from the shape.
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

template <bool kMax>
class ArgReduce final : public runtime::Op {
 public:
  explicit ArgReduce(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
    const ir::Attribute* t = info.node().attr("output_type");
    if (t && t->kind() == ir::AttrKind::kType) out_type_ = t->type();
    if (out_type_ != DataType::kInt32 && out_type_ != DataType::kInt64)
      init_status_ = info.Error("output_type must be int32 or int64");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* dim = ctx.input(1);
    if (!x || !dim) return ctx.Error("missing input");
    if (dim->NumElements() != 1) return ctx.Error("dimension must be a scalar");
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(dim->GetAsInt64(0), x->rank(),
                                                   ctx.node().Describe() + " dimension"));
    std::vector<int64_t> out_dims;
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < x->rank(); ++i) {
      if (i != axis) out_dims.push_back(x->dim(i));
      if (i < axis) outer *= x->dim(i);
      if (i > axis) inner *= x->dim(i);
    }
    const int64_t n = x->dim(axis);
    if (n == 0) return ctx.Error("reduces an axis of size 0");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, out_type_, Shape(out_dims)));
    const bool ok = VisitNumeric(x->dtype(), [&](auto tag) {
      using T = decltype(tag);
      const T* in = x->data<T>();
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          const T* p = in + o * n * inner + i;
          int64_t best = 0;
          for (int64_t k = 1; k < n; ++k)
            if (kMax ? p[k * inner] > p[best * inner] : p[k * inner] < p[best * inner]) best = k;
          if (out_type_ == DataType::kInt32)
            y->data<int32_t>()[o * inner + i] = static_cast<int32_t>(best);
          else
            y->data<int64_t>()[o * inner + i] = best;
        }
      }
    });
    if (!ok) return ctx.Error(std::string("dtype ") + DataTypeName(x->dtype()) + " is not supported");
    return Status::Ok();
  }

 private:
  DataType out_type_ = DataType::kInt64;
};

}  // namespace

void RegisterArgMax(runtime::OpSet& s) {
  s.Add<ArgReduce<true>>("ArgMax", 1, "tf");
  s.Add<ArgReduce<false>>("ArgMin", 1, "tf");
}

}  // namespace ferry::tf::ops
