// ONNX ConstantOfShape (9): a tensor of the shape given by input 0, filled with the one
// element of attribute value (default float32 zero).
#include <cstring>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ConstantOfShape final : public Op {
 public:
  explicit ConstantOfShape(const NodeInfo& info) {
    value_ = Tensor::Scalar<float>(0.0f);
    if (const ir::Attribute* a = info.node().attr("value")) {
      if (a->kind() != ir::AttrKind::kTensor || a->t().NumElements() != 1 ||
          a->t().dtype() == DataType::kString)
        init_status_ = info.Error("attribute value must be a one-element numeric tensor");
      else
        value_ = a->t();
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 1));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> dims, IntValues(ctx, 0));
    for (int64_t d : dims)
      if (d < 0) return ctx.Error("negative dim in shape " + Shape(dims).ToString());
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, value_.dtype(), Shape(dims)));
    const size_t es = SizeOf(value_.dtype());
    char* out = static_cast<char*>(y->raw_data());
    const int64_t n = y->NumElements();
    for (int64_t i = 0; i < n; ++i) std::memcpy(out + i * es, value_.raw_data(), es);
    return Status::Ok();
  }

 private:
  Tensor value_;
};

}  // namespace

void RegisterConstantOfShape(OpSet& s) { s.Add<ConstantOfShape>("ConstantOfShape", 9); }

}  // namespace ferry::onnx::ops
