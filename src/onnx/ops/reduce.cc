// ONNX reductions ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd, ReduceL1, ReduceL2,
// ReduceSumSquare, ReduceLogSum, ReduceLogSumExp (1, 11, 13, 18):
// axes is an attribute until the op's input form (ReduceSum-13, the others 18), where an
// empty or absent axes reduces everything unless noop_with_empty_axes; keepdims defaults
// to 1.
#include "kernels/reduce.h"

#include <algorithm>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

using kernels::ReduceOp;

template <ReduceOp K>
class Reduce final : public Op {
 public:
  // axes_input_since: the opset from which axes is input 1.
  Reduce(const NodeInfo& info, int axes_input_since)
      : axes_from_input_(info.opset() >= axes_input_since) {
    keepdims_ = info.node().GetInt("keepdims", 1) != 0;
    noop_with_empty_axes_ = info.node().GetInt("noop_with_empty_axes", 0) != 0;
    if (!axes_from_input_) axes_ = info.node().GetInts("axes");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    std::vector<int64_t> axes = axes_;
    if (axes_from_input_ && ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(axes, IntValues(ctx, 1));
    }
    if (axes.empty() && noop_with_empty_axes_) {
      ctx.SetOutput(0, *x);
      return Status::Ok();
    }
    const int r = x->rank();
    std::vector<int> norm;
    if (axes.empty())
      for (int d = 0; d < r; ++d) norm.push_back(d);
    for (int64_t a : axes) {
      auto axis = NormalizeAxis(a, r, ctx.node().Describe());
      if (!axis.ok()) return axis.status();
      if (std::find(norm.begin(), norm.end(), *axis) == norm.end()) norm.push_back(*axis);
    }
    std::vector<int64_t> out;
    for (int d = 0; d < r; ++d) {
      const bool reduced = std::find(norm.begin(), norm.end(), d) != norm.end();
      if (reduced && (K == ReduceOp::kMax || K == ReduceOp::kMin) && x->dim(d) == 0)
        return ctx.Error("cannot reduce an empty axis " + std::to_string(d) + " of " +
                         x->shape().ToString());
      if (!reduced)
        out.push_back(x->dim(d));
      else if (keepdims_)
        out.push_back(1);
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    return Dispatch<Types::kNumeric>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      kernels::Reduce<T>(K, x->data<T>(), x->shape().dims(), norm, y->data<T>());
      return Status::Ok();
    });
  }

 private:
  bool axes_from_input_;
  bool keepdims_ = true;
  bool noop_with_empty_axes_ = false;
  std::vector<int64_t> axes_;
};

template <ReduceOp K, int kAxesInputSince>
void AddReduce(OpSet& s, const char* name) {
  for (int v : {1, 11, 13, 18}) {
    s.AddFactory("", name, v, [](const NodeInfo& info) -> std::unique_ptr<Op> {
      return std::make_unique<Reduce<K>>(info, kAxesInputSince);
    });
  }
}

}  // namespace

void RegisterReduceMean(OpSet& s) { AddReduce<ReduceOp::kMean, 18>(s, "ReduceMean"); }
void RegisterReduceSum(OpSet& s) { AddReduce<ReduceOp::kSum, 13>(s, "ReduceSum"); }
void RegisterReduceMax(OpSet& s) { AddReduce<ReduceOp::kMax, 18>(s, "ReduceMax"); }
void RegisterReduceMin(OpSet& s) { AddReduce<ReduceOp::kMin, 18>(s, "ReduceMin"); }
void RegisterReduceProd(OpSet& s) { AddReduce<ReduceOp::kProd, 18>(s, "ReduceProd"); }
void RegisterReduceL1(OpSet& s) { AddReduce<ReduceOp::kL1, 18>(s, "ReduceL1"); }
void RegisterReduceL2(OpSet& s) { AddReduce<ReduceOp::kL2, 18>(s, "ReduceL2"); }
void RegisterReduceSumSquare(OpSet& s) {
  AddReduce<ReduceOp::kSumSquare, 18>(s, "ReduceSumSquare");
}
void RegisterReduceLogSum(OpSet& s) { AddReduce<ReduceOp::kLogSum, 18>(s, "ReduceLogSum"); }
void RegisterReduceLogSumExp(OpSet& s) {
  AddReduce<ReduceOp::kLogSumExp, 18>(s, "ReduceLogSumExp");
}

}  // namespace ferry::onnx::ops
