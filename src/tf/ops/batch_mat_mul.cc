// TF BatchMatMulV2(x, y) with adj_x, adj_y (math_ops.cc): matrix products over the last two
// dims, the batch dims broadcast (NumPy rules). float32, through oneDNN's sgemm.
#include <algorithm>
#include <vector>

#include "kernels/gemm.h"
#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class BatchMatMulV2 final : public runtime::Op {
 public:
  explicit BatchMatMulV2(const runtime::NodeInfo& info)
      : adj_x_(BoolAttr(info, "adj_x", false)), adj_y_(BoolAttr(info, "adj_y", false)) {
    if (info.num_inputs() != 2) init_status_ = info.Error("expects 2 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    const Tensor* y = ctx.input(1);
    if (!x || !y) return ctx.Error("missing input");
    if (x->dtype() != DataType::kFloat32 || y->dtype() != DataType::kFloat32)
      return ctx.Error("only float32 is supported");
    if (x->rank() < 2 || y->rank() < 2) return ctx.Error("inputs must have rank >= 2");
    const int rx = x->rank(), ry = y->rank();
    const int64_t m = adj_x_ ? x->dim(rx - 1) : x->dim(rx - 2);
    const int64_t k = adj_x_ ? x->dim(rx - 2) : x->dim(rx - 1);
    const int64_t k2 = adj_y_ ? y->dim(ry - 1) : y->dim(ry - 2);
    const int64_t n = adj_y_ ? y->dim(ry - 2) : y->dim(ry - 1);
    if (k != k2) return ctx.Error("inner dims differ: " + std::to_string(k) + " vs " + std::to_string(k2));
    const Shape bx(std::vector<int64_t>(x->shape().dims().begin(), x->shape().dims().end() - 2));
    const Shape by(std::vector<int64_t>(y->shape().dims().begin(), y->shape().dims().end() - 2));
    FERRY_ASSIGN_OR_RETURN(Shape batch, BroadcastShape(bx, by, ctx));
    std::vector<int64_t> out = batch.dims();
    out.push_back(m);
    out.push_back(n);
    FERRY_ASSIGN_OR_RETURN(Tensor * z, ctx.Output(0, DataType::kFloat32, Shape(out)));
    const std::vector<int64_t> sx = BroadcastStrides(bx, batch), sy = BroadcastStrides(by, batch);
    kernels::GemmParams p;  // one oneDNN sgemm per batch entry
    p.m = m;
    p.n = n;
    p.k = k;
    p.trans_a = adj_x_;
    p.trans_b = adj_y_;
    const int br = batch.rank();
    std::vector<int64_t> idx(br, 0);
    const int64_t nb = batch.NumElements();
    for (int64_t b = 0; b < nb; ++b) {
      int64_t ox = 0, oy = 0;
      for (int d = 0; d < br; ++d) {
        ox += idx[d] * sx[d];
        oy += idx[d] * sy[d];
      }
      const float* a = x->data<float>() + ox * m * k;
      const float* c = y->data<float>() + oy * k * n;
      float* o = z->data<float>() + b * m * n;
      if (k == 0) {
        std::fill(o, o + m * n, 0.f);
      } else if (m * n > 0) {
        FERRY_RETURN_IF_ERROR(kernels::Gemm(p, a, c, nullptr, o, ctx.num_threads()));
      }
      for (int d = br - 1; d >= 0; --d) {
        if (++idx[d] < batch[d]) break;
        idx[d] = 0;
      }
    }
    return Status::Ok();
  }

 private:
  bool adj_x_, adj_y_;
};

}  // namespace

void RegisterBatchMatMulV2(runtime::OpSet& s) { s.Add<BatchMatMulV2>("BatchMatMulV2", 1, "tf"); }

}  // namespace ferry::tf::ops
