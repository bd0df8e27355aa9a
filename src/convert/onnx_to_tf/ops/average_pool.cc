// ONNX AveragePool (1, 7, 10, 11) on 1-D, 2-D and 3-D inputs -> TF AvgPool / AvgPool3D,
// channels-last (spatial.h).
//   - No padding: a VALID pool. SAME-shaped pads with count_include_pad = 0: TF's SAME, which
//     divides by the real elements of each window (TF avg_pooling_op.cc), as ONNX does.
//   - Any other pads or a ceil_mode that adds windows (static spatial dims): zeros are padded
//     in (Pad), a VALID pool gives sum / kernel size, and a constant [1, out..., 1] factor
//     kernel size / ONNX's divisor restores ONNX's average: the divisor counts the window's
//     positions inside the input (count_include_pad = 0) or inside the padded input
//     (count_include_pad = 1; a ceil-mode window's overhang past the end padding is not
//     counted, ONNX AveragePool-10/11).
#include "convert/onnx_to_tf/ops/pool_common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class AveragePoolToTf final : public OpConverter {
 public:
  AveragePoolToTf() : OpConverter("AveragePool", 1) {}
  Layout layout() const override { return Layout::kNhwcNative; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    return {"auto_pad", "ceil_mode", "count_include_pad", "dilations",
            "kernel_shape", "pads", "strides"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    InferPool(n, ctx);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    FERRY_ASSIGN_OR_RETURN(PoolParams p, ReadPoolParams(n, b.in_facts(0)));
    const bool include_pad = n.GetInt("count_include_pad", 0) != 0;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, ChannelsLastInput(b, 0));
    const std::string name = ChannelsLastOutName(b, p.rank);
    ir::Value* y = nullptr;
    if (p.padding == "VALID" || (p.padding == "SAME" && !include_pad && !p.ceil)) {
      y = EmitPool(b, false, p, x, p.padding, name);
    } else {
      for (const ir::Dim& d : p.onnx.in)
        if (!d.known())
          return b.Unsupported("pads", "need static spatial dims when they are not TF's SAME "
                                       "split (the average's divisor is a constant)");
      x = b.Emit("Pad", {x, ChannelsLastPaddings(b, p.w)},
                 {{"T", TypeAttr(DataType::kFloat32)},
                  {"Tpaddings", ir::Attribute::Type(DataType::kInt32)}},
                 DataType::kFloat32)
              ->output(0);
      y = EmitPool(b, false, p, x, "VALID", "");
      std::optional<Tensor> factor = Factor(p, include_pad);
      if (factor) {
        y = b.Emit("Mul", {y, b.Const(*factor, n.name() + "/divisor")},
                   {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32, name)
                ->output(0);
      } else if (!name.empty()) {
        y = b.Emit("Identity", {y}, {{"T", TypeAttr(DataType::kFloat32)}}, DataType::kFloat32,
                   name)
                ->output(0);
      }
    }
    b.SetOutput(0, FinishChannelsLast(b, y, p.rank));
    return Status::Ok();
  }

 private:
  // kernel size / ONNX divisor per output position, shaped [1, out..., 1] in the TF op's
  // rank; nullopt when it is 1 everywhere.
  static std::optional<Tensor> Factor(const PoolParams& p, bool include_pad) {
    const NdWindow& w = p.onnx;
    const std::vector<ir::Dim> out = WindowOutDims(w, p.ceil);
    std::vector<std::vector<int64_t>> counts(w.rank());
    int64_t kernel = 1, total = 1;
    for (int i = 0; i < w.rank(); ++i) {
      kernel *= w.k[i];
      total *= out[i].value;
      const int64_t lo = include_pad ? -w.begin(i) : 0;
      const int64_t hi = w.in[i].value + (include_pad ? w.end(i) : 0);
      for (int64_t o = 0; o < out[i].value; ++o) {
        const int64_t start = o * w.s[i] - w.begin(i);
        counts[i].push_back(std::max<int64_t>(
            std::min(start + w.k[i], hi) - std::max(start, lo), 1));
      }
    }
    std::vector<int64_t> dims = {1};
    if (p.rank == 3) dims.push_back(1);
    for (const ir::Dim& d : out) dims.push_back(d.value);
    dims.push_back(1);
    Tensor f(DataType::kFloat32, Shape(dims));
    bool all_one = true;
    std::vector<int64_t> idx(w.rank(), 0);
    for (int64_t e = 0; e < total; ++e) {
      int64_t rem = e, count = 1;
      for (int i = w.rank() - 1; i >= 0; --i) {
        count *= counts[i][rem % out[i].value];
        rem /= out[i].value;
      }
      f.data<float>()[e] = static_cast<float>(kernel) / static_cast<float>(count);
      all_one &= count == kernel;
    }
    if (all_one) return std::nullopt;
    return f;
  }
};

}  // namespace

void RegisterAveragePool(ConverterTable& t) { t.Add(std::make_unique<AveragePoolToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
