// ONNX Unsqueeze (1, 11: axes attribute; 13: axes input, constant here) -> TF Reshape to the
// static output shape, or ExpandDims per axis when a dim is dynamic.
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class UnsqueezeToTf final : public OpConverter {
 public:
  explicit UnsqueezeToTf(int since) : OpConverter("Unsqueeze", since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 13) return {"axes"};
    return {};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ValueFacts& out = ctx.out(0);
    out.dtype = x.dtype;
    auto axes = Axes(n, ctx.in(1), x.rank());
    if (!axes.ok()) return axes.status();
    if (x.rank() < 0 || axes->empty()) return Status::Ok();
    std::vector<ir::Dim> dims = *x.dims;
    for (int64_t a : *axes) dims.insert(dims.begin() + a, ir::Dim::Known(1));
    out.dims = dims;
    if (x.elements && x.rank() == 0 && dims.size() == 1) out.SetElements(*x.elements, false);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> axes, Axes(n, b.in_facts(1), x.rank()));
    if (axes.empty()) return b.Error("axes are unknown at convert time");
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(0));
    const ValueFacts& out = b.out_facts(0);
    const Attrs ta = {{"T", TypeAttr(x.dtype)}};
    if (out.IsStatic()) {
      b.SetOutput(
          0, b.Emit("Reshape", {v, b.ConstInt32(out.StaticDims(), n.name() + "/shape")},
                    {{"T", TypeAttr(x.dtype)}, {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                    TfDType(x.dtype), b.OutName(0))
                 ->output(0));
      return Status::Ok();
    }
    for (size_t i = 0; i < axes.size(); ++i) {
      v = b.Emit("ExpandDims", {v, b.ConstInt32({axes[i]}, n.name() + "/dim", true)},
                 {{"T", TypeAttr(x.dtype)}, {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
                 TfDType(x.dtype), i + 1 == axes.size() ? b.OutName(0) : "")
              ->output(0);
    }
    b.SetOutput(0, v);
    return Status::Ok();
  }

 private:
  // Axes normalised against the output rank and sorted, so inserting in order is right.
  StatusOr<std::vector<int64_t>> Axes(const ir::Node& n, const ValueFacts& axes_in,
                                      int in_rank) const {
    std::vector<int64_t> axes;
    if (since_opset() < 13) {
      axes = n.GetInts("axes");
    } else if (axes_in.constant) {
      axes = axes_in.constant->ToInt64Vector();
    } else {
      return std::vector<int64_t>{};
    }
    if (in_rank < 0) return std::vector<int64_t>{};
    const int64_t out_rank = in_rank + static_cast<int64_t>(axes.size());
    for (int64_t& a : axes) {
      if (a < 0) a += out_rank;
      if (a < 0 || a >= out_rank)
        return InvalidArgument(n.Describe() + ": axis is out of range for output rank " +
                               std::to_string(out_rank));
    }
    std::sort(axes.begin(), axes.end());
    return axes;
  }
};

}  // namespace

void RegisterUnsqueeze(ConverterTable& t) {
  t.Add(std::make_unique<UnsqueezeToTf>(1));
  t.Add(std::make_unique<UnsqueezeToTf>(13));
}

}  // namespace ferry::convert::onnx_to_tf::ops
