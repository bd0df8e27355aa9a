// ONNX ScatterND (11, 13, 16): y = data with the slices addressed by indices [..., k]
// replaced by updates (indices.shape[:-1] + data.shape[k:]); reduction add/mul (16) combine
// instead of replacing.
#include <cstring>

#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ScatterND final : public Op {
 public:
  explicit ScatterND(const NodeInfo& info) {
    const std::string r = info.node().GetString("reduction", "none");
    if (r == "add")
      reduction_ = kernels::ScatterReduction::kAdd;
    else if (r == "mul")
      reduction_ = kernels::ScatterReduction::kMul;
    else if (r != "none")
      init_status_ = Unimplemented(info.Describe() + ": reduction '" + r + "' is not supported");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* upd, RequiredInput(ctx, 2));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> indices, IntValues(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
    const int64_t q = idx->rank(), r = x->rank();
    const int64_t k = q ? idx->dim(q - 1) : 0;
    if (q < 1 || k < 1 || k > r)
      return ctx.Error("indices " + idx->shape().ToString() + " do not fit data " +
                       x->shape().ToString());
    std::vector<int64_t> want(idx->shape().dims().begin(), idx->shape().dims().end() - 1);
    int64_t tuples = 1, slice = 1;
    for (int64_t d : want) tuples *= d;
    for (int64_t d = k; d < r; ++d) {
      want.push_back(x->dim(d));
      slice *= x->dim(d);
    }
    if (upd->shape().dims() != want)
      return ctx.Error("input 2 (updates) has shape " + upd->shape().ToString() + ", expected " +
                       Shape(want).ToString());
    std::vector<int64_t> y_dims(x->shape().dims().begin(), x->shape().dims().begin() + k);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    Status s = Dispatch<Types::kAll>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      std::memcpy(y->raw_data(), x->raw_data(), x->NumElements() * sizeof(T));
      return kernels::ScatterND<T>(indices.data(), tuples, y_dims, upd->data<T>(), slice,
                                   reduction_, y->data<T>());
    });
    return s.ok() || s.code() == StatusCode::kUnimplemented ? s
                                                             : ctx.Error("input 1: " + s.message());
  }

 private:
  kernels::ScatterReduction reduction_ = kernels::ScatterReduction::kNone;
};

}  // namespace

void RegisterScatterND(OpSet& s) {
  for (int v : {11, 13, 16}) s.Add<ScatterND>("ScatterND", v);
}

}  // namespace ferry::onnx::ops
