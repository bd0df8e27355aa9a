// ONNX Unsqueeze (1, 11: axes attribute; 13: axes input) -> TF Reshape to the static output
// shape, or ExpandDims per axis when a dim is dynamic. Axes known only at run time (of static
// count n) become a Reshape to a shape computed in the graph: for output position j of
// R = rank + n, is_new[j] = any(axes mod R == j); new_shape[j] = 1 if is_new[j], else
// Shape(x)[j - #{axes < j}] (dynamic.h; Equal/Less/Cast/Sum/GatherV2, all in TF.js).
#include <algorithm>

#include "convert/onnx_to_tf/ops/dynamic.h"

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
    const ValueFacts& af = ctx.in(1);
    if (x.rank() >= 0 && axes->empty() && af.rank() == 1 && (*af.dims)[0].known())
      out.dims = std::vector<ir::Dim>(x.rank() + (*af.dims)[0].value, ir::Dim::Unknown());
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
    if (axes.empty()) return ConvertDynamic(n, b);
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
  Status ConvertDynamic(const ir::Node& n, TfBuilder& b) const {
    const ValueFacts& x = b.in_facts(0);
    const ValueFacts& af = b.in_facts(1);
    if (since_opset() < 13 || x.rank() < 0 || af.rank() != 1 || !(*af.dims)[0].known() ||
        (*af.dims)[0].value == 0)
      return b.Error("axes are unknown at convert time and their count is not static");
    const int r = x.rank();
    const int out_rank = r + static_cast<int>((*af.dims)[0].value);
    const std::string p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * a, b.Input(1));
    ir::Value* axes = NormalizeAxes(b, a, out_rank);  // kNchwOnly: never remapped
    ir::Value* is_new = SumAxis(b, AxisMatch(b, axes, out_rank), 1);  // [R] 0/1
    std::vector<int32_t> range(out_rank);
    for (int j = 0; j < out_rank; ++j) range[j] = j;
    ir::Value* col = b.Const(Tensor::FromVector<int32_t>(range, Shape{out_rank, 1}), p + "/pos");
    ir::Value* less = b.Emit("Less", {ReshapeTo(b, axes, {1, -1}), col},
                             {{"T", ir::Attribute::Type(DataType::kInt32)}}, DataType::kBool)
                          ->output(0);
    ir::Value* before = SumAxis(b, CastTo(b, less, DataType::kInt32), 1);  // #{axes < j}
    ir::Value* src = EmitT(b, "Sub", {b.Const(Tensor::FromVector<int32_t>(range, Shape{out_rank}), p + "/j"), before},
                           DataType::kInt32);
    // New positions may point past the input's rank; clamp (their dim is replaced by 1).
    src = EmitT(b, "Minimum", {src, b.ConstInt32({r - 1}, p + "/last", true)}, DataType::kInt32);
    src = EmitT(b, "Maximum", {src, b.ConstInt32({0}, p + "/zero", true)}, DataType::kInt32);
    ir::Value* shape = b.Emit("Shape", {v},
                              {{"T", TypeAttr(x.dtype)},
                               {"out_type", ir::Attribute::Type(DataType::kInt32)}},
                              DataType::kInt32)
                           ->output(0);
    ir::Value* dims = r == 0 ? b.ConstInt32(std::vector<int64_t>(out_rank, 1), p + "/ones")
                             : b.Emit("GatherV2", {shape, src, b.ConstInt32({0}, p + "/ax", true)},
                                      {{"Tparams", ir::Attribute::Type(DataType::kInt32)},
                                       {"Tindices", ir::Attribute::Type(DataType::kInt32)},
                                       {"Taxis", ir::Attribute::Type(DataType::kInt32)},
                                       {"batch_dims", ir::Attribute::Int(0)}},
                                      DataType::kInt32)
                                   ->output(0);
    // new_shape = dims * (1 - is_new) + is_new.
    ir::Value* keep = EmitT(b, "Sub", {b.ConstInt32({1}, p + "/one", true), is_new},
                            DataType::kInt32);
    ir::Value* shape_out = EmitT(b, "AddV2", {EmitT(b, "Mul", {dims, keep}, DataType::kInt32),
                                             is_new},
                                 DataType::kInt32);
    b.SetOutput(0, b.Emit("Reshape", {v, shape_out},
                          {{"T", TypeAttr(x.dtype)},
                           {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(x.dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

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
