// TF MatMul(a, b) with transpose_a / transpose_b (math_ops.cc): rank-2 float32 only.
#include <vector>

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
    const float* pa = a->data<float>();
    const float* pb = b->data<float>();
    float* o = out->data<float>();
    for (int64_t i = 0; i < m * n; ++i) o[i] = 0.f;
    for (int64_t i = 0; i < m; ++i) {
      float* row = o + i * n;
      for (int64_t p = 0; p < k; ++p) {
        const float av = ta_ ? pa[p * m + i] : pa[i * k + p];
        if (tb_) {
          for (int64_t j = 0; j < n; ++j) row[j] += av * pb[j * k + p];
        } else {
          const float* brow = pb + p * n;
          for (int64_t j = 0; j < n; ++j) row[j] += av * brow[j];
        }
      }
    }
    return Status::Ok();
  }

 private:
  bool ta_, tb_;
};

}  // namespace

void RegisterMatMul(runtime::OpSet& s) { s.Add<MatMul>("MatMul", 1, "tf"); }

}  // namespace ferry::tf::ops
