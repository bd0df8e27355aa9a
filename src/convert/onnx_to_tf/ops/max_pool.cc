// ONNX MaxPool (1, 8, 10, 11, 12) on 1-D, 2-D and 3-D inputs -> TF MaxPool / MaxPool3D,
// channels-last (spatial.h). Pads TF's SAME/VALID cannot express, and ceil_mode's extra end
// windows, become a PadV2 with -inf (the value that never wins a max, as ONNX's implicit
// padding) before a VALID pool. Dilations (2-D, or 1-D as 2-D) run as TF's Dilation2D with a
// zero filter (a max over the dilated window; in TF.js's op list). The Indices output has no
// TF MaxPool equivalent.
#include <algorithm>
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
    FERRY_ASSIGN_OR_RETURN(PoolParams p, ReadPoolParams(n, b.in_facts(0), true));
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, ChannelsLastInput(b, 0));
    const bool dilated = std::any_of(p.w.d.begin(), p.w.d.end(), [](int64_t d) { return d != 1; });
    std::string padding = p.padding;
    if (padding == "EXPLICIT" || (dilated && padding != "VALID")) {
      ir::Value* fill = b.Const(Tensor::Scalar<float>(-std::numeric_limits<float>::infinity()),
                                n.name() + "/-inf");
      x = b.Emit("PadV2", {x, ChannelsLastPaddings(b, p.w), fill},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}},
                 DataType::kFloat32)
              ->output(0);
      padding = "VALID";
    }
    ir::Value* y = nullptr;
    if (dilated) {
      // A zero filter makes TF's Dilation2D a dilated max pool (positions outside the input
      // are skipped, and the -inf padding above never wins).
      const ir::Dim& c = (*b.in_facts(0).dims)[1];
      if (!c.known()) return b.Error("dilated MaxPool needs a static channel dim");
      Tensor zeros(DataType::kFloat32, Shape{p.w.k[0], p.w.k[1], c.value});
      std::fill(zeros.data<float>(), zeros.data<float>() + zeros.NumElements(), 0.0f);
      y = b.Emit("Dilation2D", {x, b.Const(zeros, n.name() + "/zero_filter")},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"strides", ir::Attribute::Ints({1, p.w.s[0], p.w.s[1], 1})},
                  {"rates", ir::Attribute::Ints({1, p.w.d[0], p.w.d[1], 1})},
                  {"padding", ir::Attribute::String("VALID")}},
                 DataType::kFloat32, ChannelsLastOutName(b, p.rank))
              ->output(0);
    } else {
      y = EmitPool(b, true, p, x, padding, ChannelsLastOutName(b, p.rank));
    }
    b.SetOutput(0, FinishChannelsLast(b, y, p.rank));
    return Status::Ok();
  }
};

}  // namespace

void RegisterMaxPool(ConverterTable& t) { t.Add(std::make_unique<MaxPoolToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
