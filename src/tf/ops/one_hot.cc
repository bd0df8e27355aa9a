// TF OneHot(indices, depth, on_value, off_value) with axis (array_ops.cc): a new axis of size
// depth holding on_value at each index and off_value elsewhere; an index outside [0, depth)
// gives a row of off_value.
#include <cstring>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class OneHot final : public runtime::Op {
 public:
  explicit OneHot(const runtime::NodeInfo& info) {
    if (info.num_inputs() != 4) init_status_ = info.Error("expects 4 inputs");
    const ir::Attribute* a = info.node().attr("axis");
    if (a && a->kind() == ir::AttrKind::kInt) axis_ = a->i();
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* idx = ctx.input(0);
    const Tensor* depth_t = ctx.input(1);
    const Tensor* on = ctx.input(2);
    const Tensor* off = ctx.input(3);
    if (!idx || !depth_t || !on || !off) return ctx.Error("missing input");
    if (on->dtype() != off->dtype() || on->NumElements() != 1 || off->NumElements() != 1)
      return ctx.Error("on_value and off_value must be scalars of one dtype");
    const int64_t depth = depth_t->GetAsInt64(0);
    if (depth < 0) return ctx.Error("depth is negative");
    const int r = idx->rank();
    const int64_t axis = axis_ < 0 ? r : axis_;
    if (axis > r) return ctx.Error("axis " + std::to_string(axis_) + " is out of range");
    std::vector<int64_t> dims = idx->shape().dims();
    dims.insert(dims.begin() + axis, depth);
    int64_t outer = 1, inner = 1;
    for (int i = 0; i < r; ++i) (i < axis ? outer : inner) *= idx->dim(i);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, on->dtype(), Shape(dims)));
    const size_t es = SizeOf(on->dtype());
    auto* out = static_cast<uint8_t*>(y->raw_data());
    for (int64_t o = 0; o < outer; ++o)
      for (int64_t d = 0; d < depth; ++d)
        for (int64_t i = 0; i < inner; ++i) {
          const int64_t k = idx->GetAsInt64(o * inner + i);
          std::memcpy(out + ((o * depth + d) * inner + i) * es,
                      k == d ? on->raw_data() : off->raw_data(), es);
        }
    return Status::Ok();
  }

 private:
  int64_t axis_ = -1;
};

}  // namespace

void RegisterOneHot(runtime::OpSet& s) { s.Add<OneHot>("OneHot", 1, "tf"); }

}  // namespace ferry::tf::ops
