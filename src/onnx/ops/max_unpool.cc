// ONNX MaxUnpool (9, 11): scatters X into a zero tensor at the flat positions I that MaxPool's
// Indices output gave. The indices are flat positions in the default output shape, per spatial
// dim (in - 1) * stride - pad_begin - pad_end + kernel; an output_shape input (the pool's
// original input shape, which may be larger) keeps each value at the same coordinates
// (onnx Operators.md, MaxUnpool; backend test maxunpool_export_with_output_shape).
#include <cstring>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class MaxUnpool final : public Op {
 public:
  explicit MaxUnpool(const NodeInfo& info) {
    const ir::Node& n = info.node();
    kernel_ = n.GetInts("kernel_shape");
    strides_ = n.GetInts("strides");
    pads_ = n.GetInts("pads");
    if (kernel_.empty()) init_status_ = info.Error("attribute kernel_shape is required");
    if ((!strides_.empty() && strides_.size() != kernel_.size()) ||
        (!pads_.empty() && pads_.size() != 2 * kernel_.size()))
      init_status_ = info.Error("strides/pads do not match kernel_shape");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* idx, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 1, {DataType::kInt64}));
    const size_t spatial = kernel_.size();
    if (x->rank() != static_cast<int>(spatial) + 2 || idx->shape() != x->shape())
      return ctx.Error("input 0 " + x->DebugString() + " and input 1 " + idx->DebugString() +
                       " must have one shape of rank " + std::to_string(spatial + 2));
    std::vector<int64_t> dflt = {x->dim(0), x->dim(1)};
    for (size_t d = 0; d < spatial; ++d) {
      const int64_t s = strides_.empty() ? 1 : strides_[d];
      const int64_t pads = pads_.empty() ? 0 : pads_[d] + pads_[d + spatial];
      dflt.push_back((x->dim(2 + d) - 1) * s - pads + kernel_[d]);
    }
    std::vector<int64_t> out = dflt;
    if (ctx.has_input(2)) {
      FERRY_ASSIGN_OR_RETURN(out, IntValues(ctx, 2));
      if (out.size() != spatial + 2)
        return ctx.Error("output_shape has " + std::to_string(out.size()) + " values, expected " +
                         std::to_string(spatial + 2));
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    const size_t elem = SizeOf(x->dtype());
    if (elem == 0) return Unimplemented(ctx.node().Describe() + ": string tensors");
    std::memset(y->raw_data(), 0, y->NumBytes());
    const int64_t total = Shape(dflt).NumElements();
    const int64_t* where = idx->data<int64_t>();
    for (int64_t i = 0; i < x->NumElements(); ++i) {
      if (where[i] < 0 || where[i] >= total)
        return ctx.Error("index " + std::to_string(where[i]) + " is out of range for shape " +
                         Shape(dflt).ToString());
      // Unravel in the default shape, ravel in the output shape.
      int64_t rest = where[i], offset = 0, stride = 1;
      for (int d = static_cast<int>(dflt.size()) - 1; d >= 0; --d) {
        const int64_t c = rest % dflt[d];
        rest /= dflt[d];
        if (c >= out[d])
          return ctx.Error("index " + std::to_string(where[i]) + " falls outside output_shape " +
                           Shape(out).ToString());
        offset += c * stride;
        stride *= out[d];
      }
      std::memcpy(static_cast<uint8_t*>(y->raw_data()) + offset * elem,
                  static_cast<const uint8_t*>(x->raw_data()) + i * elem, elem);
    }
    return Status::Ok();
  }

 private:
  std::vector<int64_t> kernel_, strides_, pads_;
};

}  // namespace

void RegisterMaxUnpool(OpSet& s) {
  for (int v : {9, 11}) s.Add<MaxUnpool>("MaxUnpool", v);
}

}  // namespace ferry::onnx::ops
