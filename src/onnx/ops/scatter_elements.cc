// ONNX ScatterElements (11, 13, 16 with reduction none) and its deprecated alias Scatter
// (9, 11): y = data with y[i with the axis coordinate replaced by indices[i]] = updates[i].
// ScatterElements-16's reduction add/mul combines each update with what is there already,
// in index order, so that duplicate indices accumulate (onnx Operators.md).
#include <cstring>

#include "kernels/select.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class ScatterElements final : public Op {
 public:
  explicit ScatterElements(const NodeInfo& info) : axis_(info.node().GetInt("axis", 0)) {
    const std::string r = info.node().GetString("reduction", "none");
    if (r == "add") {
      reduction_ = Reduction::kAdd;
    } else if (r == "mul") {
      reduction_ = Reduction::kMul;
    } else if (r != "none") {
      init_status_ = Unimplemented(info.Describe() + ": reduction '" + r + "' is not supported");
    }
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_ASSIGN_OR_RETURN(const Tensor* updates, RequiredInput(ctx, 2));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> indices, IntValues(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckSameDtype(ctx, 0, 2));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    if (x->rank() == 0 || idx->rank() != x->rank())
      return ctx.Error("input 1 (indices) has rank " + std::to_string(idx->rank()) +
                       ", expected input 0's rank " + std::to_string(x->rank()) + " (>= 1)");
    if (updates->shape() != idx->shape())
      return ctx.Error("input 2 (updates) has shape " + updates->shape().ToString() +
                       ", expected the indices' shape " + idx->shape().ToString());
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, x->rank(), ctx.node().Describe()));
    for (int d = 0; d < x->rank(); ++d)
      if (d != axis && idx->dim(d) > x->dim(d))
        return ctx.Error("input 1 (indices) shape " + idx->shape().ToString() +
                         " exceeds data shape " + x->shape().ToString() + " in dim " +
                         std::to_string(d));
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), x->shape()));
    std::memcpy(y->raw_data(), x->raw_data(), x->NumElements() * SizeOf(x->dtype()));
    if (reduction_ != Reduction::kNone) return RunReduction(ctx, indices, *idx, *updates, axis, y);
    Status s = kernels::ScatterElements(indices.data(), idx->shape().dims(), updates->raw_data(),
                                        axis, x->shape().dims(), SizeOf(x->dtype()),
                                        y->raw_data());
    return s.ok() ? s : ctx.Error("input 1 (indices): " + s.message());
  }

 private:
  enum class Reduction { kNone, kAdd, kMul };

  Status RunReduction(const OpContext& ctx, const std::vector<int64_t>& indices, const Tensor& idx,
                      const Tensor& updates, int axis, Tensor* y) const {
    const int rank = y->rank();
    const std::vector<int64_t>& dims = y->shape().dims();
    std::vector<int64_t> strides(rank, 1);
    for (int d = rank - 2; d >= 0; --d) strides[d] = strides[d + 1] * dims[d + 1];
    const int64_t axis_size = dims[axis];
    return Dispatch<Types::kNumeric>(ctx, y->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      T* out = y->data<T>();
      const T* upd = updates.data<T>();
      std::vector<int64_t> pos(rank, 0);  // coordinate of element i of indices
      for (int64_t i = 0; i < idx.NumElements(); ++i) {
        int64_t k = indices[i];
        if (k < -axis_size || k >= axis_size)
          return ctx.Error("input 1 (indices): index " + std::to_string(k) +
                           " is out of range for axis " + std::to_string(axis) + " of size " +
                           std::to_string(axis_size));
        if (k < 0) k += axis_size;
        int64_t offset = 0;
        for (int d = 0; d < rank; ++d) offset += (d == axis ? k : pos[d]) * strides[d];
        out[offset] = reduction_ == Reduction::kAdd ? static_cast<T>(out[offset] + upd[i])
                                                    : static_cast<T>(out[offset] * upd[i]);
        for (int d = rank - 1; d >= 0 && ++pos[d] == idx.dim(d); --d) pos[d] = 0;
      }
      return Status::Ok();
    });
  }

  int64_t axis_;
  Reduction reduction_ = Reduction::kNone;
};

}  // namespace

void RegisterScatterElements(OpSet& s) {
  for (int v : {11, 13, 16}) s.Add<ScatterElements>("ScatterElements", v);
}
void RegisterScatter(OpSet& s) {
  for (int v : {9, 11}) s.Add<ScatterElements>("Scatter", v);
}

}  // namespace ferry::onnx::ops
