// TF NonMaxSuppressionV5(boxes, scores, max_output_size, iou_threshold, score_threshold,
// soft_nms_sigma) with pad_to_max_output_size (image_ops.cc), hard suppression only
// (soft_nms_sigma must be 0): boxes [N, 4] as (y1, x1, y2, x2) in either corner order, scores
// [N]. Candidates with score > score_threshold are taken by descending score (the lower index
// first among equal scores); one is dropped when its IoU with a kept box exceeds
// iou_threshold. Outputs: selected_indices int32 [M], selected_scores [M], valid_outputs
// int32 scalar (M, or max_output_size entries zero-padded when pad_to_max_output_size).
#include <algorithm>
#include <cstring>
#include <numeric>
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class NonMaxSuppressionV5 final : public runtime::Op {
 public:
  explicit NonMaxSuppressionV5(const runtime::NodeInfo& info)
      : pad_(BoolAttr(info, "pad_to_max_output_size", false)) {
    if (info.num_inputs() != 6) init_status_ = info.Error("expects 6 inputs");
  }

  Status Run(runtime::OpContext& ctx) const override {
    for (int i = 0; i < 6; ++i)
      if (!ctx.input(i)) return ctx.Error("missing input " + std::to_string(i));
    const Tensor& boxes = *ctx.input(0);
    const Tensor& scores = *ctx.input(1);
    if (boxes.rank() != 2 || boxes.dim(1) != 4 || scores.rank() != 1 ||
        scores.dim(0) != boxes.dim(0))
      return ctx.Error("boxes must be [N, 4] and scores [N], got " + boxes.DebugString() + ", " +
                       scores.DebugString());
    const int64_t max_out = ctx.input(2)->GetAsInt64(0);
    const double iou_thr = ctx.input(3)->GetAsDouble(0);
    const double score_thr = ctx.input(4)->GetAsDouble(0);
    if (ctx.input(5)->GetAsDouble(0) != 0) return ctx.Error("soft NMS (sigma > 0) is not supported");
    if (max_out < 0) return ctx.Error("max_output_size is negative");
    const int64_t n = boxes.dim(0);
    std::vector<int64_t> order;
    for (int64_t i = 0; i < n; ++i)
      if (scores.GetAsDouble(i) > score_thr) order.push_back(i);
    std::stable_sort(order.begin(), order.end(), [&](int64_t a, int64_t b) {
      return scores.GetAsDouble(a) > scores.GetAsDouble(b);
    });
    auto box = [&](int64_t i, int k) { return boxes.GetAsDouble(i * 4 + k); };
    auto iou = [&](int64_t a, int64_t b) {
      const double ay1 = std::min(box(a, 0), box(a, 2)), ay2 = std::max(box(a, 0), box(a, 2));
      const double ax1 = std::min(box(a, 1), box(a, 3)), ax2 = std::max(box(a, 1), box(a, 3));
      const double by1 = std::min(box(b, 0), box(b, 2)), by2 = std::max(box(b, 0), box(b, 2));
      const double bx1 = std::min(box(b, 1), box(b, 3)), bx2 = std::max(box(b, 1), box(b, 3));
      const double area_a = (ay2 - ay1) * (ax2 - ax1), area_b = (by2 - by1) * (bx2 - bx1);
      if (area_a <= 0 || area_b <= 0) return 0.0;
      const double ih = std::max(0.0, std::min(ay2, by2) - std::max(ay1, by1));
      const double iw = std::max(0.0, std::min(ax2, bx2) - std::max(ax1, bx1));
      const double inter = ih * iw;
      return inter / (area_a + area_b - inter);
    };
    std::vector<int64_t> kept;
    for (int64_t i : order) {
      if (static_cast<int64_t>(kept.size()) >= max_out) break;
      bool keep = true;
      for (int64_t k : kept)
        if (iou(i, k) > iou_thr) {
          keep = false;
          break;
        }
      if (keep) kept.push_back(i);
    }
    const int64_t m = static_cast<int64_t>(kept.size());
    const int64_t len = pad_ ? max_out : m;
    FERRY_ASSIGN_OR_RETURN(Tensor * idx, ctx.Output(0, DataType::kInt32, Shape{len}));
    FERRY_ASSIGN_OR_RETURN(Tensor * sel, ctx.Output(1, scores.dtype(), Shape{len}));
    FERRY_ASSIGN_OR_RETURN(Tensor * valid, ctx.Output(2, DataType::kInt32, Shape{}));
    std::fill_n(idx->data<int32_t>(), len, 0);
    std::memset(sel->raw_data(), 0, sel->NumBytes());
    for (int64_t j = 0; j < m; ++j) {
      idx->data<int32_t>()[j] = static_cast<int32_t>(kept[j]);
      const size_t es = SizeOf(scores.dtype());
      std::memcpy(static_cast<uint8_t*>(sel->raw_data()) + j * es,
                  static_cast<const uint8_t*>(scores.raw_data()) + kept[j] * es, es);
    }
    valid->data<int32_t>()[0] = static_cast<int32_t>(m);
    return Status::Ok();
  }

 private:
  bool pad_;
};

}  // namespace

void RegisterNonMaxSuppressionV5(runtime::OpSet& s) {
  s.Add<NonMaxSuppressionV5>("NonMaxSuppressionV5", 1, "tf");
}

}  // namespace ferry::tf::ops
