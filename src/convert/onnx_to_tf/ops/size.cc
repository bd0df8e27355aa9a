// ONNX Size (1, 13) -> folded when every dim is known, else TF Size (out_type int32).
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class SizeToTf final : public OpConverter {
 public:
  SizeToTf() : OpConverter("Size", 1) {}
  Layout layout() const override { return Layout::kAgnostic; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts& out = ctx.out(0);
    out.dtype = DataType::kInt64;
    out.dims = std::vector<ir::Dim>{};
    const ValueFacts& x = ctx.in(0);
    if (!x.IsStatic()) return Status::Ok();
    int64_t count = 1;
    for (int64_t d : x.StaticDims()) count *= d;
    out.SetElements({Elem::Of(count)}, /*scalar=*/true);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit("Size", {x},
                          {{"T", TypeAttr(b.in_facts(0).dtype)},
                           {"out_type", ir::Attribute::Type(DataType::kInt32)}},
                          DataType::kInt32, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterSize(ConverterTable& t) { t.Add(std::make_unique<SizeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
