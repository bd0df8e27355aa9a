// ONNX GatherND (11, 12, 13): indices [..., k] pick slices of data; the first batch_dims
// dims (12+) of data and indices are batch dims. Output shape: indices.shape[:-1] +
// data.shape[batch_dims + k:].
#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class GatherND final : public Op {
 public:
  explicit GatherND(const NodeInfo& info) : batch_dims_(info.node().GetInt("batch_dims", 0)) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> indices, IntValues(ctx, 1));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    const int64_t b = batch_dims_, q = idx->rank(), r = x->rank();
    if (q < 1 || b < 0 || b >= q || b >= r)
      return ctx.Error("batch_dims " + std::to_string(b) + " does not fit indices " +
                       idx->shape().ToString() + " and data " + x->shape().ToString());
    const int64_t k = idx->dim(q - 1);
    if (k < 1 || b + k > r)
      return ctx.Error("indices' last dim " + std::to_string(k) + " exceeds data rank " +
                       std::to_string(r) + " minus batch_dims");
    int64_t batches = 1, tuples = 1, slice = 1;
    std::vector<int64_t> out, data_dims;
    for (int64_t d = 0; d < b; ++d) {
      if (idx->dim(d) != x->dim(d))
        return ctx.Error("batch dim " + std::to_string(d) + " differs between data and indices");
      batches *= x->dim(d);
      out.push_back(x->dim(d));
    }
    for (int64_t d = b; d < q - 1; ++d) {
      tuples *= idx->dim(d);
      out.push_back(idx->dim(d));
    }
    for (int64_t d = b; d < b + k; ++d) data_dims.push_back(x->dim(d));
    for (int64_t d = b + k; d < r; ++d) {
      slice *= x->dim(d);
      out.push_back(x->dim(d));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    Status s = kernels::GatherND(x->raw_data(), batches, data_dims, indices.data(), tuples, slice,
                                 SizeOf(x->dtype()), y->raw_data());
    return s.ok() ? s : ctx.Error("input 1 (indices): " + s.message());
  }

 private:
  int64_t batch_dims_;
};

}  // namespace

void RegisterGatherND(OpSet& s) {
  for (int v : {11, 12, 13}) s.Add<GatherND>("GatherND", v);
}

}  // namespace ferry::onnx::ops
