// ONNX ConstantOfShape (9) -> folded at convert time when the shape's elements are known
// (the usual case: a shape computed from static dims), else TF Fill(shape, value).
#include <cstring>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ConstantOfShapeToTf final : public OpConverter {
 public:
  ConstantOfShapeToTf() : OpConverter("ConstantOfShape", 9) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"value"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const Tensor value = Value(n);
    ValueFacts& out = ctx.out(0);
    out.dtype = value.dtype();
    const ValueFacts& s = ctx.in(0);
    if (!s.elements) return Status::Ok();
    std::vector<ir::Dim> dims;
    std::vector<int64_t> known;
    for (const Elem& e : *s.elements) {
      dims.push_back(e.known() ? ir::Dim::Known(e.value) : ir::Dim::Named(e.sym));
      if (e.known()) known.push_back(e.value);
    }
    out.dims = dims;
    if (known.size() != dims.size()) return Status::Ok();
    FERRY_ASSIGN_OR_RETURN(Tensor t, Tensor::Create(value.dtype(), Shape(known)));
    const size_t es = SizeOf(value.dtype());
    for (int64_t i = 0; i < t.NumElements(); ++i)
      std::memcpy(static_cast<uint8_t*>(t.raw_data()) + i * es, value.raw_data(), es);
    if (IsInteger(t.dtype()) && t.rank() <= 1) {
      std::vector<Elem> e;
      for (int64_t i = 0; i < t.NumElements(); ++i) e.push_back(Elem::Of(t.GetAsInt64(i)));
      out.elements = e;
    }
    out.constant = t;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const Tensor value = Value(n);
    FERRY_ASSIGN_OR_RETURN(ir::Value * shape, b.Input(0));
    Tensor scalar(value.dtype(), Shape{});
    std::memcpy(scalar.raw_data(), value.raw_data(), SizeOf(value.dtype()));
    b.SetOutput(0, b.Emit("Fill", {shape, b.Const(scalar, n.name() + "/value")},
                          {{"T", TypeAttr(value.dtype())},
                           {"index_type", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(value.dtype()), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  // The one-element value attribute; float32 zero by default.
  static Tensor Value(const ir::Node& n) {
    const ir::Attribute* a = n.attr("value");
    if (a && a->kind() == ir::AttrKind::kTensor && a->t().NumElements() == 1) return a->t();
    return Tensor::Scalar<float>(0.f);
  }
};

}  // namespace

void RegisterConstantOfShape(ConverterTable& t) {
  t.Add(std::make_unique<ConstantOfShapeToTf>());
}

}  // namespace ferry::convert::onnx_to_tf::ops
