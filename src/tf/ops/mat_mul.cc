// TF MatMul(a, b) with transpose_a / transpose_b (math_ops.cc): rank-2 float32 only,
// through oneDNN's sgemm.
#include <algorithm>
#include <vector>

#include "kernels/gemm.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class MatMul final : public runtime::Op {
 public:
  explicit MatMul(const runtime::NodeInfo& info)
      : ta_(BoolAttr(info, "transpose_a", false)), tb_(BoolAttr(info, "transpose_b", false)) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* a = ctx.input(0);
    const Tensor* b = ctx.input(1);
    if (!a || !b) return ctx.Error("missing input");
    if (a->rank() != 2 || b->rank() != 2)
      return ctx.Error("a " + a->shape().ToString() + " and b " + b->shape().ToString() +
                       " must have rank 2");
    if (a->dtype() != DataType::kFloat32 || b->dtype() != DataType::kFloat32)
      return ctx.Error("only float32 is supported");
    const int64_t m = ta_ ? a->dim(1) : a->dim(0), k = ta_ ? a->dim(0) : a->dim(1);
    const int64_t kb = tb_ ? b->dim(1) : b->dim(0), n = tb_ ? b->dim(0) : b->dim(1);
    if (k != kb)
      return ctx.Error("inner dims differ: a " + a->shape().ToString() + ", b " +
                       b->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * out, ctx.Output(0, DataType::kFloat32, Shape{m, n}));
    float* o = out->data<float>();
    if (m * n == 0) return Status::Ok();
    if (k == 0) {
      std::fill(o, o + m * n, 0.f);
      return Status::Ok();
    }
    kernels::GemmParams p;  // oneDNN's sgemm
    p.m = m;
    p.n = n;
    p.k = k;
    p.trans_a = ta_;
    p.trans_b = tb_;
    Status s = kernels::Gemm(p, a->data<float>(), b->data<float>(), nullptr, o, ctx.num_threads());
    if (!s.ok()) return ctx.Error(s.message());
    return Status::Ok();
  }

 private:
  bool ta_, tb_;
};

}  // namespace

void RegisterMatMul(runtime::OpSet& s) { s.Add<MatMul>("MatMul", 1, "tf"); }

}  // namespace ferry::tf::ops
