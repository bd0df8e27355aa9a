// ONNX EyeLike (9): a 2-D tensor of input 0's shape with ones on the diagonal shifted by k,
// of the dtype attribute (default: the input's dtype).
#include "onnx/ops/op_util.h"
#include "onnx/tensor_proto.h"

namespace ferry::onnx::ops {
namespace {

class EyeLike final : public Op {
 public:
  explicit EyeLike(const NodeInfo& info) : k_(info.node().GetInt("k", 0)) {
    const ir::Attribute* dt = info.node().attr("dtype");
    if (dt && dt->kind() == ir::AttrKind::kType) {
      dtype_ = dt->type();
    } else if (dt && dt->kind() == ir::AttrKind::kInt) {
      auto t = DataTypeFromOnnx(static_cast<int32_t>(dt->i()));
      if (t.ok())
        dtype_ = *t;
      else
        init_status_ = info.Error("attribute dtype: " + t.status().message());
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 2));
    const DataType dt = dtype_ == DataType::kUndefined ? x->dtype() : dtype_;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, dt, x->shape()));
    return Dispatch<Types::kAll>(ctx, dt, [&](auto tag) -> Status {
      using T = decltype(tag);
      const int64_t rows = x->dim(0), cols = x->dim(1);
      T* yp = y->data<T>();
      for (int64_t i = 0; i < rows; ++i)
        for (int64_t j = 0; j < cols; ++j) yp[i * cols + j] = j - i == k_ ? T(1) : T(0);
      return Status::Ok();
    });
  }

 private:
  int64_t k_;
  DataType dtype_ = DataType::kUndefined;
};

}  // namespace

void RegisterEyeLike(OpSet& s) { s.Add<EyeLike>("EyeLike", 9); }

}  // namespace ferry::onnx::ops
