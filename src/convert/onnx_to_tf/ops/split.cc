// ONNX Split (2, 11: split attribute; 13: split input) -> one TF StridedSlice per output
// (TF's SplitV has several outputs; slices keep every TF node single-output and run in TF.js
// alike). In NHWC the axis is remapped. Sizes known only at run time (13) give each output
// run-time bounds on the axis: begin = Sum(split[:i]), end = begin + split[i] (StridedSlice
// and Sum of the split tensor, concatenated with constant bounds for the other axes).
#include <limits>

#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class SplitToTf final : public OpConverter {
 public:
  explicit SplitToTf(int since) : OpConverter("Split", since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 13) return {"axis", "split"};
    return {"axis"};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    for (int i = 0; i < n.num_outputs(); ++i) ctx.out(i).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    auto sizes = Sizes(n, x, [&](int i) { return &ctx.in(i); });
    if (!sizes.ok()) {  // run-time sizes: only the split dim is unknown
      for (int i = 0; i < n.num_outputs(); ++i) {
        std::vector<ir::Dim> dims = *x.dims;
        dims[Axis(n, x.rank())] = ir::Dim::Unknown();
        ctx.out(i).dims = dims;
      }
      return Status::Ok();
    }
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
    auto sizes_or = Sizes(n, xf, [&](int i) { return &b.in_facts(i); });
    const int64_t axis = b.Axis(Axis(n, r), r);
    if (!sizes_or.ok() && since_opset() >= 13 && n.num_inputs() > 1 && n.input(1))
      return ConvertDynamic(n, b, r, axis);
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> sizes, std::move(sizes_or));
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
      b.SetOutput(i, EmitStridedSlice(b, x, b.ConstInt32(begin, p + "/begin"),
                                      b.ConstInt32(end, p + "/end"),
                                      b.ConstInt32(strides, p + "/strides"), t, {}, b.OutName(i)));
    }
    return Status::Ok();
  }

 private:
  Status ConvertDynamic(const ir::Node& n, TfBuilder& b, int r, int64_t axis) const {
    const DataType t = b.in_facts(0).dtype;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * split, b.Input(1));
    split = CastTo(b, split, DataType::kInt32);
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
    // The bounds vector [r]: constants around the run-time entry at `axis`.
    auto bounds = [&](ir::Value* at, int64_t other, const std::string& p) {
      std::vector<ir::Value*> parts;
      if (axis > 0) parts.push_back(b.ConstInt32(std::vector<int64_t>(axis, other), p + "/pre"));
      parts.push_back(ReshapeTo(b, at, {1}));
      if (axis + 1 < r)
        parts.push_back(b.ConstInt32(std::vector<int64_t>(r - axis - 1, other), p + "/post"));
      if (parts.size() == 1) return parts[0];
      parts.push_back(b.ConstInt32({0}, p + "/axis", true));
      return b.Emit("ConcatV2", parts,
                    {{"T", ir::Attribute::Type(DataType::kInt32)},
                     {"N", ir::Attribute::Int(static_cast<int64_t>(parts.size()) - 1)},
                     {"Tidx", ir::Attribute::Type(DataType::kInt32)}},
                    DataType::kInt32)
          ->output(0);
    };
    for (int i = 0; i < n.num_outputs(); ++i) {
      if (!n.output(i)) continue;
      const std::string p = n.name() + "/" + std::to_string(i);
      // begin = Sum(split[0:i]) (0 for i = 0), size = split[i].
      ir::Value* head =
          EmitStridedSlice(b, split, b.ConstInt32({0}, p + "/h0"), b.ConstInt32({i}, p + "/h1"),
                           b.ConstInt32({1}, p + "/h2"), DataType::kInt32);
      ir::Value* begin = SumAxis(b, head, 0);
      ir::Value* size =
          EmitStridedSlice(b, split, b.ConstInt32({i}, p + "/s0"), b.ConstInt32({i + 1}, p + "/s1"),
                           b.ConstInt32({1}, p + "/s2"), DataType::kInt32);
      ir::Value* end = EmitT(b, "AddV2", {begin, ReshapeTo(b, size, {})}, DataType::kInt32);
      b.SetOutput(i, EmitStridedSlice(b, x, bounds(begin, 0, p + "/begin"),
                                      bounds(end, kMax, p + "/end"),
                                      b.ConstInt32(std::vector<int64_t>(r, 1), p + "/strides"), t,
                                      {}, b.OutName(i)));
    }
    return Status::Ok();
  }

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
