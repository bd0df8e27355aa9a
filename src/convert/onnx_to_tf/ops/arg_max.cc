// ONNX ArgMax, ArgMin (1, 11, 12, 13) -> TF ArgMax, ArgMin (output_type int32: int64 is int32
// inside the TF graph), then ExpandDims for keepdims = 1. Both take the first extreme index;
// select_last_index = 1 takes it on the input reversed along the axis (ReverseV2) and maps
// it back as (dim - 1) - index, which needs the axis' size at convert time. In NHWC the axis is remapped;
// keepdims = 0 stays NHWC only when the remaining axes keep ONNX's order.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ArgToTf final : public OpConverter {
 public:
  ArgToTf(const std::string& onnx, std::string tf) : OpConverter(onnx, 1), tf_op_(std::move(tf)) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    return {"axis", "keepdims", "select_last_index"};
  }

  bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const override {
    const int r = RankOf(facts, n.input(0));
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    return n.GetInt("keepdims", 1) != 0 || KeepsNchwOrder({axis}, r);
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = DataType::kInt64;
    if (x.rank() < 0) return Status::Ok();
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += x.rank();
    if (axis < 0 || axis >= x.rank()) return ctx.Error("attribute 'axis' is out of range");
    std::vector<ir::Dim> dims = *x.dims;
    if (n.GetInt("keepdims", 1) != 0)
      dims[axis] = ir::Dim::Known(1);
    else
      dims.erase(dims.begin() + axis);
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    const bool keep = n.GetInt("keepdims", 1) != 0;
    const bool last = n.GetInt("select_last_index", 0) != 0;
    const int64_t tf_axis = b.Axis(axis, r);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const DataType t = b.in_facts(0).dtype;
    const ir::Attribute i32 = ir::Attribute::Type(DataType::kInt32);
    int64_t len = 0;
    if (last) {
      const ir::Dim& d = (*b.in_facts(0).dims)[axis];
      if (!d.known())
        return b.Unsupported("select_last_index", "= 1 needs the size of the axis at convert time");
      len = d.value;
      x = b.Emit("ReverseV2", {x, b.ConstInt32({tf_axis}, n.name() + "/reverse_axis")},
                 {{"T", TypeAttr(t)}, {"Tidx", i32}}, t, n.name() + "/reversed")
              ->output(0);
    }
    const bool more = keep || last;
    ir::Value* y = b.Emit(tf_op_, {x, b.ConstInt32({tf_axis}, n.name() + "/axis", true)},
                          {{"T", TypeAttr(t)}, {"Tidx", i32}, {"output_type", i32}},
                          DataType::kInt32, more ? n.name() + "/reduced" : b.OutName(0))
                       ->output(0);
    if (last) {
      // The first extreme of the reversed axis is the last one of the original.
      y = b.Emit("Sub", {b.ConstInt32({len - 1}, n.name() + "/last", true), y}, {{"T", i32}},
                 DataType::kInt32, keep ? n.name() + "/from_end" : b.OutName(0))
              ->output(0);
    }
    if (keep) {
      y = b.Emit("ExpandDims", {y, b.ConstInt32({tf_axis}, n.name() + "/keep_axis", true)},
                 {{"T", ir::Attribute::Type(DataType::kInt32)},
                  {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
                 DataType::kInt32, b.OutName(0))
              ->output(0);
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }

 private:
  std::string tf_op_;
};

}  // namespace

void RegisterArgMax(ConverterTable& t) {
  t.Add(std::make_unique<ArgToTf>("ArgMax", "ArgMax"));
  t.Add(std::make_unique<ArgToTf>("ArgMin", "ArgMin"));
}

}  // namespace ferry::convert::onnx_to_tf::ops
