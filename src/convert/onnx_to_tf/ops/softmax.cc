// ONNX Softmax / LogSoftmax -> TF Softmax / LogSoftmax, which always normalise the last
// axis. Before opset 13 ONNX flattens to 2-D at `axis` (default 1); from 13 it normalises
// the one `axis` (default -1). Either matches TF only when the axis is the last one in the
// TF layout; otherwise an error names the attribute.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class SoftmaxToTf final : public OpConverter {
 public:
  SoftmaxToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  // Opset 13+ over the channels of a 4-D tensor is NHWC's last axis. Before 13 the op
  // normalises everything from `axis` on (flattened in NCHW order), so it needs NCHW.
  bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const override {
    if (since_opset() < 13) return false;
    const int64_t axis = n.GetInt("axis", -1);
    return axis == 1 || axis == -3;
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
    const bool pre13_ok = since_opset() >= 13 || (axis < 0 ? axis + r : axis) == r - 1;
    if (!pre13_ok || b.Axis(axis, r) != r - 1)
      return b.Unsupported("axis", "= " + std::to_string(axis) + " is not the last axis of the " +
                                       (b.nhwc() ? "NHWC " : "") + "tensor; TF " + op_type() +
                                       " normalises only the last axis");
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit(op_type(), {x}, {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32,
                          b.OutName(0))
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
