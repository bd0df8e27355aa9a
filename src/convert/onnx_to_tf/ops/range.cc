// ONNX Range (11) -> folded when start, limit and delta are known, else TF Range (Tidx).
// Both produce max(ceil((limit - start) / delta), 0) elements start + i * delta.
#include <cmath>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class RangeToTf final : public OpConverter {
 public:
  RangeToTf() : OpConverter("Range", 11) {}
  Layout layout() const override { return Layout::kNchwOnly; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts& out = ctx.out(0);
    out.dtype = ctx.in(0).dtype;
    out.dims = std::vector<ir::Dim>{ir::Dim::Unknown()};
    const ValueFacts &s = ctx.in(0), &l = ctx.in(1), &d = ctx.in(2);
    if (!s.constant || !l.constant || !d.constant) return Status::Ok();
    const double start = s.constant->GetAsDouble(0), limit = l.constant->GetAsDouble(0),
                 delta = d.constant->GetAsDouble(0);
    if (delta == 0) return ctx.Error("delta is 0");
    const int64_t count =
        std::max<int64_t>(0, static_cast<int64_t>(std::ceil((limit - start) / delta)));
    out.dims = std::vector<ir::Dim>{ir::Dim::Known(count)};
    if (IsInteger(out.dtype)) {
      std::vector<Elem> e;
      const int64_t st = s.constant->GetAsInt64(0), de = d.constant->GetAsInt64(0);
      for (int64_t i = 0; i < count; ++i) e.push_back(Elem::Of(st + i * de));
      out.SetElements(e, false);
    } else if (out.dtype == DataType::kFloat32) {
      std::vector<float> v;
      const float st = static_cast<float>(start), de = static_cast<float>(delta);
      for (int64_t i = 0; i < count; ++i) v.push_back(st + static_cast<float>(i) * de);
      out.constant = Tensor::FromVector<float>(v, Shape({count}));
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    FERRY_ASSIGN_OR_RETURN(ir::Value * s, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * l, b.Input(1));
    FERRY_ASSIGN_OR_RETURN(ir::Value * d, b.Input(2));
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, b.Emit("Range", {s, l, d}, {{"Tidx", TypeAttr(t)}}, TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterRange(ConverterTable& t) { t.Add(std::make_unique<RangeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
