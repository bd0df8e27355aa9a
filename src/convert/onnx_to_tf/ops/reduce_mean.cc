// ONNX ReduceMean (1, 11, 13; axes attribute) -> TF Mean with keep_dims. In NHWC the axes
// are remapped; with keepdims = 0 NHWC is accepted only when the kept axes stay in ONNX's
// order (torch's x.mean([2, 3]) keeps N, C in both layouts), else the node gets NCHW.
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ReduceMeanToTf final : public OpConverter {
 public:
  ReduceMeanToTf() : OpConverter("ReduceMean", 1) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  std::vector<std::string> attributes() const override { return {"axes", "keepdims"}; }

  bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const override {
    return n.GetInt("keepdims", 1) != 0 || KeepsNchwOrder(Axes(n, 4));
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    const std::vector<int64_t> axes = Axes(n, x.rank());
    const bool keep = n.GetInt("keepdims", 1) != 0;
    std::vector<ir::Dim> dims;
    for (int i = 0; i < x.rank(); ++i) {
      const bool reduced = std::find(axes.begin(), axes.end(), i) != axes.end();
      if (!reduced)
        dims.push_back((*x.dims)[i]);
      else if (keep)
        dims.push_back(ir::Dim::Known(1));
    }
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    if (n.input(1)) return b.Error("axes as input 1 (ReduceMean-18) are not converted");
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    if (b.in_facts(0).dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    const std::vector<int64_t> axes = Axes(n, r);
    const bool keep = n.GetInt("keepdims", 1) != 0;
    std::vector<int64_t> tf_axes;
    for (int64_t a : axes) tf_axes.push_back(b.Axis(a, r));
    if (!keep && b.nhwc() && !KeepsNchwOrder(axes))
      return Internal(n.Describe() + ": NHWC chosen for an order-changing reduction");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    b.SetOutput(0, b.Emit("Mean", {x, b.ConstInt32(tf_axes, n.name() + "/axes")},
                          {{"T", TypeAttr(DataType::kFloat32)},
                           {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                           {"keep_dims", ir::Attribute::Bool(keep)}},
                          DataType::kFloat32, b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  // ONNX: no axes reduces every axis.
  static std::vector<int64_t> Axes(const ir::Node& n, int r) {
    std::vector<int64_t> axes = n.GetInts("axes");
    if (axes.empty())
      for (int i = 0; i < r; ++i) axes.push_back(i);
    for (int64_t& a : axes)
      if (a < 0) a += r;
    std::sort(axes.begin(), axes.end());
    return axes;
  }
};

}  // namespace

void RegisterReduceMean(ConverterTable& t) { t.Add(std::make_unique<ReduceMeanToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
