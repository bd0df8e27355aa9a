// ONNX Split (2, 11: split attribute; 13: split input, constant here) -> one TF StridedSlice
// per output (TF's SplitV has several outputs; slices keep every TF node single-output and
// run in TF.js alike). Sizes must be known at convert time. In NHWC the axis is remapped.
#include <limits>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class SplitToTf final : public OpConverter {
 public:
  explicit SplitToTf(int since) : OpConverter("Split", since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 13) return {"axis", "split"};
    return {"axis"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    for (int i = 0; i < n.num_outputs(); ++i) ctx.out(i).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    auto sizes = Sizes(n, x, [&](int i) { return &ctx.in(i); });
    if (!sizes.ok()) return Status::Ok();
    const int64_t axis = Axis(n, x.rank());
    for (int i = 0; i < n.num_outputs(); ++i) {
      std::vector<ir::Dim> dims = *x.dims;
      dims[axis] = ir::Dim::Known((*sizes)[i]);
      ctx.out(i).dims = dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    const int r = xf.rank();
    if (r < 0) return b.Error("input rank is unknown");
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> sizes,
                           Sizes(n, xf, [&](int i) { return &b.in_facts(i); }));
    const int64_t axis = b.Axis(Axis(n, r), r);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const DataType t = xf.dtype;
    int64_t offset = 0;
    for (int i = 0; i < n.num_outputs(); ++i) {
      std::vector<int64_t> begin(r, 0), end(r, std::numeric_limits<int32_t>::max()), strides(r, 1);
      begin[axis] = offset;
      end[axis] = offset + sizes[i];
      offset += sizes[i];
      if (!n.output(i)) continue;
      const std::string p = n.name() + "/" + std::to_string(i);
      b.SetOutput(i, b.Emit("StridedSlice",
                            {x, b.ConstInt32(begin, p + "/begin"), b.ConstInt32(end, p + "/end"),
                             b.ConstInt32(strides, p + "/strides")},
                            {{"T", TypeAttr(t)},
                             {"Index", ir::Attribute::Type(DataType::kInt32)},
                             {"begin_mask", ir::Attribute::Int(0)},
                             {"end_mask", ir::Attribute::Int(0)},
                             {"ellipsis_mask", ir::Attribute::Int(0)},
                             {"new_axis_mask", ir::Attribute::Int(0)},
                             {"shrink_axis_mask", ir::Attribute::Int(0)}},
                            TfDType(t), b.OutName(i))
                         ->output(0));
    }
    return Status::Ok();
  }

 private:
  static int64_t Axis(const ir::Node& n, int r) {
    int64_t a = n.GetInt("axis", 0);
    return a < 0 ? a + r : a;
  }

  // Output sizes along the axis: given, or equal parts of a known dim.
  template <typename FactsOf>
  StatusOr<std::vector<int64_t>> Sizes(const ir::Node& n, const ValueFacts& x,
                                       FactsOf facts_of) const {
    std::vector<int64_t> split;
    if (since_opset() < 13) {
      split = n.GetInts("split");
    } else if (n.num_inputs() > 1 && n.input(1)) {
      const ValueFacts* f = facts_of(1);
      if (!f || !f->constant)
        return InvalidArgument(n.Describe() + ": split (input 1) must be known at convert time");
      split = f->constant->ToInt64Vector();
    }
    if (!split.empty()) {
      if (static_cast<int>(split.size()) != n.num_outputs())
        return InvalidArgument(n.Describe() + ": split has " + std::to_string(split.size()) +
                               " entries for " + std::to_string(n.num_outputs()) + " outputs");
      return split;
    }
    const int64_t axis = Axis(n, x.rank());
    if (axis < 0 || axis >= x.rank() || !(*x.dims)[axis].known())
      return InvalidArgument(n.Describe() + ": the split dim is unknown at convert time");
    const int64_t dim = (*x.dims)[axis].value, k = n.num_outputs();
    if (k == 0 || dim % k != 0)
      return InvalidArgument(n.Describe() + ": dim " + std::to_string(dim) +
                             " does not split into " + std::to_string(k) + " equal parts");
    return std::vector<int64_t>(k, dim / k);
  }
};

}  // namespace

void RegisterSplit(ConverterTable& t) {
  t.Add(std::make_unique<SplitToTf>(2));
  t.Add(std::make_unique<SplitToTf>(13));
}

}  // namespace ferry::convert::onnx_to_tf::ops
