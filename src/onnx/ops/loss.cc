// ONNX NegativeLogLikelihoodLoss (12, 13) and SoftmaxCrossEntropyLoss (12, 13): input
// [N, C, d1..dk] (log-probabilities, or scores that SoftmaxCrossEntropyLoss first turns into
// log-probabilities over axis 1 and may return as its second output), target [N, d1..dk],
// optional weight [C]; `reduction` none/sum/mean (default mean), optional ignore_index.
#include <optional>
#include <string>

#include "kernels/loss.h"
#include "kernels/softmax.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <bool kSoftmax>
class Loss final : public Op {
 public:
  explicit Loss(const NodeInfo& info) {
    const std::string r = info.node().GetString("reduction", "mean");
    if (r == "none")
      reduction_ = kernels::LossReduction::kNone;
    else if (r == "sum")
      reduction_ = kernels::LossReduction::kSum;
    else if (r != "mean")
      init_status_ = info.Error("reduction is '" + r + "', expected none, sum or mean");
    if (info.node().has_attr("ignore_index"))
      ignore_index_ = info.node().GetInt("ignore_index", 0);
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* target, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 1, {DataType::kInt32, DataType::kInt64}));
    const Tensor* weight = ctx.input(2);
    if (x->rank() < 2) return ctx.Error("input 0 has rank " + std::to_string(x->rank()) +
                                        ", expected at least 2 ([N, C, ...])");
    const int64_t n = x->dim(0), c = x->dim(1);
    int64_t d = 1;
    std::vector<int64_t> target_shape = {n};
    for (int i = 2; i < x->rank(); ++i) {
      d *= x->dim(i);
      target_shape.push_back(x->dim(i));
    }
    if (target->shape().dims() != target_shape)
      return ctx.Error("input 1 (target) has shape " + target->shape().ToString() +
                       ", expected " + Shape(target_shape).ToString());
    if (weight) {
      FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
      if (weight->shape().dims() != std::vector<int64_t>{c})
        return ctx.Error("input 2 (weight) has shape " + weight->shape().ToString() +
                         ", expected [" + std::to_string(c) + "]");
    }
    const Shape y_shape =
        reduction_ == kernels::LossReduction::kNone ? Shape(target_shape) : Shape();
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), y_shape));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* logp = x->data<T>();
      if constexpr (kSoftmax) {
        Tensor* log_prob = nullptr;
        Tensor scratch;
        if (ctx.num_outputs() > 1) {
          FERRY_ASSIGN_OR_RETURN(log_prob, ctx.Output(1, x->dtype(), x->shape()));
        } else {
          scratch = Tensor(x->dtype(), x->shape());
          log_prob = &scratch;
        }
        kernels::Softmax<T>(x->data<T>(), n, c, d, /*log=*/true, log_prob->data<T>());
        return Compute<T>(ctx, log_prob->data<T>(), target, weight, n, c, d, y);
      } else {
        return Compute<T>(ctx, logp, target, weight, n, c, d, y);
      }
    });
  }

 private:
  template <typename T>
  Status Compute(const OpContext& ctx, const T* logp, const Tensor* target, const Tensor* weight,
                 int64_t n, int64_t c, int64_t d, Tensor* y) const {
    const T* w = weight ? weight->data<T>() : nullptr;
    Status s = target->dtype() == DataType::kInt64
                   ? kernels::NllLoss<T, int64_t>(logp, target->data<int64_t>(), w, n, c, d,
                                                  ignore_index_, reduction_, y->data<T>())
                   : kernels::NllLoss<T, int32_t>(logp, target->data<int32_t>(), w, n, c, d,
                                                  ignore_index_, reduction_, y->data<T>());
    return s.ok() ? s : ctx.Error("input 1 (target): " + s.message());
  }

  kernels::LossReduction reduction_ = kernels::LossReduction::kMean;
  std::optional<int64_t> ignore_index_;
};

}  // namespace

void RegisterNegativeLogLikelihoodLoss(OpSet& s) {
  for (int v : {12, 13}) s.Add<Loss<false>>("NegativeLogLikelihoodLoss", v);
}
void RegisterSoftmaxCrossEntropyLoss(OpSet& s) {
  for (int v : {12, 13}) s.Add<Loss<true>>("SoftmaxCrossEntropyLoss", v);
}

}  // namespace ferry::onnx::ops
