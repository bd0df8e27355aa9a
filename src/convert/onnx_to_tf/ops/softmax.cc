// ONNX Softmax / LogSoftmax -> TF Softmax / LogSoftmax, which always normalise the last
// axis. Before opset 13 ONNX flattens to 2-D at `axis` (default 1); from 13 it normalises
// the one `axis` (default -1). When the axis is the last one in the TF layout the op maps
// directly; otherwise opset 13 swaps the axis with the last around the op (two Transposes of
// one permutation, in whatever layout the value lives), and opset < 13 reshapes to ONNX's
// 2-D view and back (static shapes only).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class SoftmaxToTf final : public OpConverter {
 public:
  SoftmaxToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  // Opset 13+ over the channels of a 4-D tensor is NHWC's last axis. Before 13 the op
  // normalises everything from `axis` on (flattened in NCHW order), so it needs NCHW.
  bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const override {
    if (since_opset() < 13) return false;
    const int64_t axis = n.GetInt("axis", -1);
    return axis == 1 || axis == 1 - RankOf(facts, n.input(0));  // the channel axis
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ctx.out(0).dtype = ctx.in(0).dtype;
    ctx.out(0).dims = ctx.in(0).dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 1) return b.Error("input rank is unknown");
    const int64_t axis = n.GetInt("axis", since_opset() >= 13 ? -1 : 1);
    // Before opset 13 this also requires the ONNX axis to be the last: flattening from the
    // last axis is the plain last-axis softmax.
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    const int64_t onnx_axis = axis < 0 ? axis + r : axis;
    if (onnx_axis < 0 || onnx_axis >= r) return b.Unsupported("axis", "is out of range");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const Attrs ta = {{"T", TypeAttr(DataType::kFloat32)}};
    const std::string& p = n.name();
    if (since_opset() < 13 && onnx_axis != r - 1) {
      // Softmax-1/11 normalise the 2-D [prod(dims before axis), prod(dims from axis)] view
      // (in ONNX's layout; the plan gives this node NCHW): Reshape, last-axis op, Reshape back.
      if (b.nhwc()) return Internal(n.Describe() + ": NHWC chosen for an opset < 13 softmax");
      const ValueFacts& f = b.in_facts(0);
      if (!f.IsStatic()) return b.Error("the input shape must be known at convert time");
      const std::vector<int64_t> dims = f.StaticDims();
      int64_t inner = 1;
      for (int64_t i = onnx_axis; i < r; ++i) inner *= dims[i];
      const Attrs tr = {{"T", TypeAttr(DataType::kFloat32)},
                        {"Tshape", ir::Attribute::Type(DataType::kInt32)}};
      ir::Value* flat = b.Emit("Reshape", {x, b.ConstInt32({-1, inner}, p + "/flat_shape")}, tr,
                               DataType::kFloat32, p + "/flat")
                            ->output(0);
      ir::Value* y = b.Emit(op_type(), {flat}, ta, DataType::kFloat32, p + "/flat_out")->output(0);
      b.SetOutput(0, b.Emit("Reshape", {y, b.ConstInt32(dims, p + "/shape")}, tr,
                            DataType::kFloat32, b.OutName(0))
                         ->output(0));
      return Status::Ok();
    }
    const int64_t tf_axis = b.Axis(axis, r);
    if (tf_axis == r - 1) {
      b.SetOutput(0, b.Emit(op_type(), {x}, ta, DataType::kFloat32, b.OutName(0))->output(0));
      return Status::Ok();
    }
    // Another axis: swap it with the last (a self-inverse permutation, not a layout change),
    // normalise, swap back.
    std::vector<int64_t> perm(r);
    for (int i = 0; i < r; ++i) perm[i] = i;
    std::swap(perm[tf_axis], perm[r - 1]);
    const Attrs tp = {{"T", TypeAttr(DataType::kFloat32)},
                      {"Tperm", ir::Attribute::Type(DataType::kInt32)}};
    ir::Value* perm_c = b.ConstInt32(perm, p + "/swap_last");
    ir::Value* t = b.Emit("Transpose", {x, perm_c}, tp, DataType::kFloat32, p + "/axis_last")
                       ->output(0);
    ir::Value* y = b.Emit(op_type(), {t}, ta, DataType::kFloat32, p + "/normalised")->output(0);
    b.SetOutput(0, b.Emit("Transpose", {y, perm_c}, tp, DataType::kFloat32, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSoftmax(ConverterTable& t) {
  for (const char* op : {"Softmax", "LogSoftmax"}) {
    t.Add(std::make_unique<SoftmaxToTf>(op, 1));
    t.Add(std::make_unique<SoftmaxToTf>(op, 13));
  }
}

}  // namespace ferry::convert::onnx_to_tf::ops
