// ONNX Concat (1, 4, 11, 13): joins inputs along axis (negative from 11 on); any dtype.
#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Concat final : public Op {
 public:
  explicit Concat(const NodeInfo& info) {
    // Concat-1 defaults axis to 1; from Concat-4 on it is required.
    if (!info.node().has_attr("axis") && info.opset() >= 4)
      init_status_ = info.Error("attribute axis is required");
    axis_ = info.node().GetInt("axis", 1);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* first, RequiredInput(ctx, 0));
    const int rank = first->rank();
    auto axis = NormalizeAxis(axis_, rank, ctx.node().Describe());
    if (!axis.ok()) return axis.status();
    std::vector<int64_t> out = first->shape().dims();
    out[*axis] = 0;
    std::vector<const void*> ptrs;
    std::vector<std::vector<int64_t>> shapes;
    for (int i = 0; i < ctx.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(const Tensor* t, RequiredInput(ctx, i));
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, i));
      bool ok = t->rank() == rank;
      for (int d = 0; ok && d < rank; ++d) ok = d == *axis || t->dim(d) == first->dim(d);
      if (!ok)
        return ctx.Error("input " + std::to_string(i) + " has shape " + t->shape().ToString() +
                         ", incompatible with input 0 " + first->shape().ToString() +
                         " along axis " + std::to_string(*axis));
      out[*axis] += t->dim(*axis);
      ptrs.push_back(t->raw_data());
      shapes.push_back(t->shape().dims());
    }
    if (first->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, first->dtype(), Shape(out)));
    kernels::Concat(ptrs, shapes, *axis, SizeOf(first->dtype()), y->raw_data());
    return Status::Ok();
  }

 private:
  int64_t axis_ = 0;
};

}  // namespace

void RegisterConcat(OpSet& s) {
  for (int v : {1, 4, 11, 13}) s.Add<Concat>("Concat", v);
}

}  // namespace ferry::onnx::ops
