// ONNX MaxPool (1, 8, 10, 11, 12) on 1-D, 2-D and 3-D inputs -> TF MaxPool / MaxPool3D,
// channels-last (spatial.h). Pads TF's SAME/VALID cannot express, and ceil_mode's extra end
// windows, become a PadV2 with -inf (the value that never wins a max, as ONNX's implicit
// padding) before a VALID pool. The Indices output has no TF MaxPool equivalent.
#include <limits>

#include "convert/onnx_to_tf/ops/pool_common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class MaxPoolToTf final : public OpConverter {
 public:
  MaxPoolToTf() : OpConverter("MaxPool", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad", "ceil_mode",     "dilations", "kernel_shape",
            "pads",     "storage_order", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    InferPool(n, ctx);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (n.num_outputs() > 1 && n.output(1) && !n.output(1)->users().empty())
      return b.Error("output 1 (Indices) has no TF MaxPool equivalent");
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    FERRY_ASSIGN_OR_RETURN(PoolParams p, ReadPoolParams(n, b.in_facts(0)));
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, ChannelsLastInput(b, 0));
    std::string padding = p.padding;
    if (padding == "EXPLICIT") {
      ir::Value* fill = b.Const(Tensor::Scalar<float>(-std::numeric_limits<float>::infinity()),
                                n.name() + "/-inf");
      x = b.Emit("PadV2", {x, ChannelsLastPaddings(b, p.w), fill},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}},
                 DataType::kFloat32)
              ->output(0);
      padding = "VALID";
    }
    ir::Value* y = EmitPool(b, true, p, x, padding, ChannelsLastOutName(b, p.rank));
    b.SetOutput(0, FinishChannelsLast(b, y, p.rank));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMaxPool(ConverterTable& t) { t.Add(std::make_unique<MaxPoolToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
