// ONNX AveragePool (1, 7, 10, 11) -> TF AvgPool. TF's SAME divides by the real elements of
// each window, which is ONNX's count_include_pad = 0 with SAME-shaped pads; with
// count_include_pad = 1 the zeros are made real by a Pad before a VALID AvgPool. Other
// pads with count_include_pad = 0 have no TF form: an error naming the attribute.
#include "convert/onnx_to_tf/ops/pool_common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class AveragePoolToTf final : public OpConverter {
 public:
  AveragePoolToTf() : OpConverter("AveragePool", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad", "ceil_mode", "count_include_pad", "kernel_shape", "pads", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    InferPool(n, ctx);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    FERRY_ASSIGN_OR_RETURN(PoolParams p, ReadPoolParams(n, b.in_facts(0)));
    const bool include_pad = n.GetInt("count_include_pad", 0) != 0;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    std::string padding = p.padding;
    if (padding != "VALID" && include_pad) {
      x = b.Emit("Pad", {x, NhwcPaddings(b, p.pads)},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}},
                 DataType::kFloat32)
              ->output(0);
      padding = "VALID";
    } else if (padding == "EXPLICIT") {
      return b.Unsupported("pads",
                           "are not TF's SAME split and count_include_pad is 0: TF's "
                           "AvgPool cannot exclude such padding from the count");
    }
    b.SetOutput(
        0,
        b.Emit("AvgPool", {x}, PoolAttrs(p, padding), DataType::kFloat32, b.OutName(0))->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterAveragePool(ConverterTable& t) { t.Add(std::make_unique<AveragePoolToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
