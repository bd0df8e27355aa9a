// ONNX NonMaxSuppression (10, 11)(boxes [B, N, 4], scores [B, C, N], max_output_boxes_per_class,
// iou_threshold, score_threshold) with center_point_box -> one TF NonMaxSuppressionV5 per batch
// and class (image_ops.cc: boxes [N, 4] as y1, x1, y2, x2 in either corner order, hard
// suppression when IoU > iou_threshold, candidates with score > score_threshold, the lower
// index first among equal scores: ONNX's rules), each result laid out as ONNX's rows
// [batch, class, box] and all concatenated. center_point_box = 1 boxes (x_center, y_center,
// width, height) become corners through a constant 4x4 MatMul (exact: 0, +-1 and +-0.5).
// Missing inputs take ONNX's defaults: 0 boxes, IoU threshold 0, no score threshold. Needs
// static B and C.
#include <limits>

#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class NonMaxSuppressionToTf final : public OpConverter {
 public:
  NonMaxSuppressionToTf() : OpConverter("NonMaxSuppression", 10) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"center_point_box"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = DataType::kInt64;
    ctx.out(0).dims = std::vector<ir::Dim>{ir::Dim{}, ir::Dim::Known(3)};
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& bf = b.in_facts(0);
    const ValueFacts& sf = b.in_facts(1);
    if (bf.rank() != 3 || sf.rank() != 3 || !(*bf.dims)[0].known() || !(*sf.dims)[1].known())
      return b.Error("boxes and scores need rank 3 with static batch and class counts");
    if (bf.dtype != DataType::kFloat32 || sf.dtype != DataType::kFloat32)
      return b.Error("only float32 boxes and scores convert to TF");
    const int64_t batches = (*bf.dims)[0].value, classes = (*sf.dims)[1].value;
    const std::string& p = n.name();
    const DataType f = DataType::kFloat32, i32 = DataType::kInt32;
    FERRY_ASSIGN_OR_RETURN(ir::Value * boxes, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * scores, b.Input(1));
    auto optional_scalar = [&](int i, DataType to, const Tensor& def,
                               const std::string& name) -> StatusOr<ir::Value*> {
      if (n.num_inputs() <= i || !n.input(i)) return b.Const(def, name);
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(i));
      const DataType t = b.in_facts(i).dtype;
      if (TfDType(t) != to) v = EmitCast(b, v, t, to, name + "_cast");
      return EmitReshape(b, v, to, {}, name);
    };
    FERRY_ASSIGN_OR_RETURN(ir::Value * max_out,
                           optional_scalar(2, i32, Tensor::Scalar<int32_t>(0), p + "/max_output"));
    FERRY_ASSIGN_OR_RETURN(ir::Value * iou,
                           optional_scalar(3, f, Tensor::Scalar<float>(0.f), p + "/iou_threshold"));
    FERRY_ASSIGN_OR_RETURN(
        ir::Value * score_thr,
        optional_scalar(4, f, Tensor::Scalar<float>(-std::numeric_limits<float>::infinity()),
                        p + "/score_threshold"));
    ir::Value* sigma = b.Const(Tensor::Scalar<float>(0.f), p + "/soft_nms_sigma");
    if (n.GetInt("center_point_box", 0) != 0) {
      // Rows: x_center, y_center, width, height; columns: y1, x1, y2, x2.
      const std::vector<float> m = {0, 1, 0, 1,  1, 0, 1, 0,  0, -0.5f, 0, 0.5f,  -0.5f, 0, 0.5f, 0};
      ir::Value* flat = EmitReshape(b, boxes, f, {-1, 4}, p + "/center_boxes");
      ir::Value* corners =
          b.Emit("MatMul", {flat, b.Const(Tensor::FromVector<float>(m, Shape{4, 4}), p + "/to_corners")},
                 {{"T", TypeAttr(f)},
                  {"transpose_a", ir::Attribute::Bool(false)},
                  {"transpose_b", ir::Attribute::Bool(false)}},
                 f, p + "/corner_boxes")
              ->output(0);
      boxes = EmitReshape(b, corners, f, {batches, -1, 4}, p + "/boxes");
    }
    auto take = [&](ir::Value* v, int64_t i, const std::string& name) {
      return b.Emit("GatherV2",
                    {v, b.ConstInt32({i}, name + "/index", true), b.ConstInt32({0}, name + "/axis", true)},
                    {{"Tparams", TypeAttr(f)},
                     {"Tindices", TypeAttr(i32)},
                     {"Taxis", TypeAttr(i32)},
                     {"batch_dims", ir::Attribute::Int(0)}},
                    f, name)
          ->output(0);
    };
    std::vector<ir::Value*> rows;
    for (int64_t bi = 0; bi < batches; ++bi) {
      const std::string pb = p + "/b" + std::to_string(bi);
      ir::Value* boxes_b = take(boxes, bi, pb + "/boxes");
      ir::Value* scores_b = take(scores, bi, pb + "/scores");
      for (int64_t c = 0; c < classes; ++c) {
        const std::string pc = pb + "/c" + std::to_string(c);
        ir::Node* nms = EmitMulti(b, "NonMaxSuppressionV5",
                                  {boxes_b, take(scores_b, c, pc + "/scores"), max_out, iou,
                                   score_thr, sigma},
                                  {{"T", TypeAttr(f)},
                                   {"pad_to_max_output_size", ir::Attribute::Bool(false)}},
                                  {i32, f, i32}, pc + "/nms");
        ir::Value* col = EmitReshape(b, nms->output(0), i32, {-1, 1}, pc + "/box_column");
        // [M, 1] * 0 + [[b, c]] broadcasts to the [M, 2] batch and class columns.
        ir::Value* bc = EmitT(
            b, "AddV2",
            {EmitT(b, "Mul", {col, b.ConstInt32({0}, pc + "/zero", true)}, i32, pc + "/zeros"),
             b.Const(Tensor::FromVector<int32_t>({static_cast<int32_t>(bi), static_cast<int32_t>(c)},
                                                 Shape{1, 2}),
                     pc + "/batch_class")},
            i32, pc + "/batch_class_columns");
        rows.push_back(b.Emit("ConcatV2", {bc, col, b.ConstInt32({1}, pc + "/axis", true)},
                              {{"T", TypeAttr(i32)}, {"N", ir::Attribute::Int(2)}, {"Tidx", TypeAttr(i32)}},
                              i32, pc + "/rows")
                           ->output(0));
      }
    }
    if (rows.empty()) return b.Error("boxes or scores have no batch or class");
    const int count = static_cast<int>(rows.size());
    rows.push_back(b.ConstInt32({0}, p + "/axis", true));
    b.SetOutput(0, b.Emit("ConcatV2", rows,
                          {{"T", TypeAttr(i32)}, {"N", ir::Attribute::Int(count)}, {"Tidx", TypeAttr(i32)}},
                          i32, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterNonMaxSuppression(ConverterTable& t) {
  t.Add(std::make_unique<NonMaxSuppressionToTf>());
}

}  // namespace ferry::convert::onnx_to_tf::ops
