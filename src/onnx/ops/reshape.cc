// ONNX Reshape (1, 5, 13, 14): shape from input 1 (attribute `shape` in Reshape-1); 0 copies
// the input dim (unless allowzero=1, Reshape-14), -1 is inferred. The output shares the
// input's buffer.
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Reshape final : public Op {
 public:
  explicit Reshape(const NodeInfo& info) {
    allowzero_ = info.node().GetInt("allowzero", 0) != 0;
    if (info.opset() < 5) {
      if (!info.node().has_attr("shape")) init_status_ = info.Error("attribute shape is required");
      shape_attr_ = info.node().GetInts("shape");
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    std::vector<int64_t> dims;
    if (shape_attr_) {
      dims = *shape_attr_;
    } else {
      FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 1));
      FERRY_ASSIGN_OR_RETURN(dims, IntValues(ctx, 1));
    }
    int infer = -1;
    int64_t known = 1;
    for (size_t i = 0; i < dims.size(); ++i) {
      if (dims[i] == 0 && !allowzero_) {
        if (static_cast<int>(i) >= x->rank())
          return ctx.Error("shape[" + std::to_string(i) + "] is 0 but the input " +
                           x->shape().ToString() + " has no dim " + std::to_string(i));
        dims[i] = x->dim(static_cast<int>(i));
      }
      if (dims[i] == -1) {
        if (infer >= 0) return ctx.Error("shape has more than one -1");
        infer = static_cast<int>(i);
        continue;
      }
      if (dims[i] < 0) return ctx.Error("shape has a negative dim " + std::to_string(dims[i]));
      known *= dims[i];
    }
    if (infer >= 0) {
      if (known == 0 || x->NumElements() % known != 0)
        return ctx.Error("cannot infer -1: input " + x->shape().ToString() + " has " +
                         std::to_string(x->NumElements()) + " elements, the other dims " +
                         std::to_string(known));
      dims[infer] = x->NumElements() / known;
    }
    auto y = x->Reshaped(Shape(dims));
    if (!y.ok())
      return ctx.Error("cannot reshape " + x->shape().ToString() + " to " + Shape(dims).ToString());
    ctx.SetOutput(0, std::move(y).value());
    return Status::Ok();
  }

 private:
  bool allowzero_ = false;
  std::optional<std::vector<int64_t>> shape_attr_;
};

}  // namespace

void RegisterReshape(OpSet& s) {
  for (int v : {1, 5, 13, 14}) s.Add<Reshape>("Reshape", v);
}

}  // namespace ferry::onnx::ops
