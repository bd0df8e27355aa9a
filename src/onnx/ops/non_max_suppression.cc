// ONNX NonMaxSuppression (10, 11): per batch and class, greedy selection in descending score
// order (ties keep the lower box index) of boxes whose score exceeds score_threshold and
// whose IoU with every box already selected is at most iou_threshold, up to
// max_output_boxes_per_class (0 or absent: none). Boxes are [y1, x1, y2, x2] corners in any
// order (center_point_box=0) or [x_center, y_center, width, height] (1). Output [count, 3]
// int64 rows (batch, class, box).
#include <algorithm>
#include <numeric>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

struct Box {
  float y1, x1, y2, x2;
};

float Iou(const Box& a, const Box& b) {
  const float iw = std::min(a.x2, b.x2) - std::max(a.x1, b.x1);
  const float ih = std::min(a.y2, b.y2) - std::max(a.y1, b.y1);
  if (iw <= 0 || ih <= 0) return 0.0f;
  const float inter = iw * ih;
  const float uni = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return uni > 0 ? inter / uni : 0.0f;
}

class NonMaxSuppression final : public Op {
 public:
  explicit NonMaxSuppression(const NodeInfo& info)
      : center_(info.node().GetInt("center_point_box", 0) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* boxes, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* scores, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 1, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 3));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 3));
    const int64_t nb = boxes->dim(0), n = boxes->dim(1), nc = scores->dim(1);
    if (boxes->dim(2) != 4 || scores->dim(0) != nb || scores->dim(2) != n)
      return ctx.Error("boxes " + boxes->shape().ToString() + " and scores " +
                       scores->shape().ToString() + " do not match ([B, N, 4], [B, C, N])");
    int64_t max_out = 0;
    float iou_th = 0.0f, score_th = 0.0f;
    bool has_score_th = false;
    if (ctx.has_input(2) && ctx.input(2)->NumElements() > 0)
      max_out = ctx.input(2)->GetAsInt64(0);
    if (ctx.has_input(3) && ctx.input(3)->NumElements() > 0)
      iou_th = static_cast<float>(ctx.input(3)->GetAsDouble(0));
    if (ctx.has_input(4) && ctx.input(4)->NumElements() > 0) {
      score_th = static_cast<float>(ctx.input(4)->GetAsDouble(0));
      has_score_th = true;
    }
    std::vector<int64_t> rows;
    std::vector<int64_t> order(n);
    for (int64_t b = 0; b < nb; ++b) {
      std::vector<Box> bx(n);
      for (int64_t i = 0; i < n; ++i) {
        const float* v = boxes->data<float>() + (b * n + i) * 4;
        if (center_)
          bx[i] = {v[1] - v[3] / 2, v[0] - v[2] / 2, v[1] + v[3] / 2, v[0] + v[2] / 2};
        else
          bx[i] = {std::min(v[0], v[2]), std::min(v[1], v[3]), std::max(v[0], v[2]),
                   std::max(v[1], v[3])};
      }
      for (int64_t c = 0; c < nc; ++c) {
        const float* s = scores->data<float>() + (b * nc + c) * n;
        std::iota(order.begin(), order.end(), 0);
        std::stable_sort(order.begin(), order.end(),
                         [&](int64_t i, int64_t j) { return s[i] > s[j]; });
        std::vector<int64_t> kept;
        for (int64_t i : order) {
          if (static_cast<int64_t>(kept.size()) >= max_out) break;
          if (has_score_th && !(s[i] > score_th)) break;
          bool ok = true;
          for (int64_t k : kept) ok = ok && Iou(bx[i], bx[k]) <= iou_th;
          if (ok) kept.push_back(i);
        }
        for (int64_t k : kept) rows.insert(rows.end(), {b, c, k});
      }
    }
    const int64_t count = static_cast<int64_t>(rows.size() / 3);
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kInt64, Shape{count, 3}));
    std::copy(rows.begin(), rows.end(), y->data<int64_t>());
    return Status::Ok();
  }

 private:
  bool center_;
};

}  // namespace

void RegisterNonMaxSuppression(OpSet& s) {
  for (int v : {10, 11}) s.Add<NonMaxSuppression>("NonMaxSuppression", v);
}

}  // namespace ferry::onnx::ops
