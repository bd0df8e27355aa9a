// TF Shape(input) with out_type int32 (default) or int64 (array_ops.cc).
#include <vector>

#include "runtime/opset.h"
#include "tf/ops/util.h"

namespace ferry::tf::ops {
namespace {

class ShapeOp final : public runtime::Op {
 public:
  explicit ShapeOp(const runtime::NodeInfo& info) {
    const ir::Attribute* a = info.node().attr("out_type");
    if (a && a->kind() == ir::AttrKind::kType) out_type_ = a->type();
    if (out_type_ != DataType::kInt32 && out_type_ != DataType::kInt64)
      init_status_ = info.Error("out_type must be int32 or int64");
  }

  Status Run(runtime::OpContext& ctx) const override {
    const Tensor* x = ctx.input(0);
    if (!x) return ctx.Error("missing input 0");
    const auto& d = x->shape().dims();
    if (out_type_ == DataType::kInt64) {
      ctx.SetOutput(0, Tensor::FromVector<int64_t>(d, Shape{x->rank()}));
    } else {
      std::vector<int32_t> v(d.begin(), d.end());
      ctx.SetOutput(0, Tensor::FromVector<int32_t>(v, Shape{x->rank()}));
    }
    return Status::Ok();
  }

 private:
  DataType out_type_ = DataType::kInt32;
};

}  // namespace

void RegisterShape(runtime::OpSet& s) { s.Add<ShapeOp>("Shape", 1, "tf"); }

}  // namespace ferry::tf::ops
