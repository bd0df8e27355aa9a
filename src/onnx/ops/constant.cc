// ONNX Constant (1, 9, 11, 12, 13): exactly one of value (a tensor), value_float(s),
// value_int(s), value_string(s) (12+) or sparse_value (densified by the loader).
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Constant final : public Op {
 public:
  explicit Constant(const NodeInfo& info) {
    const ir::Node& n = info.node();
    int found = 0;
    for (const char* k : {"value", "value_float", "value_floats", "value_int", "value_ints",
                          "value_string", "value_strings", "sparse_value"})
      found += n.has_attr(k);
    if (found != 1) {
      init_status_ =
          info.Error("exactly one value attribute is required, found " + std::to_string(found));
      return;
    }
    // The loader densifies sparse_value, so both arrive as tensors.
    const ir::Attribute* tensor_attr =
        n.has_attr("value") ? n.attr("value") : n.attr("sparse_value");
    if (const auto* a = tensor_attr) {
      if (a->kind() != ir::AttrKind::kTensor)
        init_status_ = info.Error("attribute value must be a tensor");
      else
        value_ = a->t();
    } else if (const auto* a = n.attr("value_float")) {
      value_ = Tensor::Scalar<float>(a->f());
    } else if (const auto* a = n.attr("value_floats")) {
      value_ =
          Tensor::FromVector<float>(a->floats(), Shape{static_cast<int64_t>(a->floats().size())});
    } else if (const auto* a = n.attr("value_int")) {
      value_ = Tensor::Scalar<int64_t>(a->i());
    } else if (const auto* a = n.attr("value_ints")) {
      value_ =
          Tensor::FromVector<int64_t>(a->ints(), Shape{static_cast<int64_t>(a->ints().size())});
    } else if (const auto* a = n.attr("value_string")) {
      value_ = Tensor(DataType::kString, Shape{});
      value_.strings() = {a->s()};
    } else if (const auto* a = n.attr("value_strings")) {
      value_ = Tensor(DataType::kString, Shape{static_cast<int64_t>(a->strings().size())});
      value_.strings() = a->strings();
    }
  }

  Status Run(OpContext& ctx) const override {
    ctx.SetOutput(0, value_);
    return Status::Ok();
  }

 private:
  Tensor value_;
};

}  // namespace

void RegisterConstant(OpSet& s) {
  for (int v : {1, 9, 11, 12, 13}) s.Add<Constant>("Constant", v);
}

}  // namespace ferry::onnx::ops
