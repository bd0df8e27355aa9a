// ONNX Squeeze (1, 11: axes attribute; 13: axes input) -> TF Squeeze with squeeze_dims.
// Run-time axes are resolved at convert time when the input is static and has exactly as many
// size-1 dims as there are axes (only size-1 dims may be squeezed). Without axes ONNX drops every size-1 dim, which needs static dims here so
// the TF node states them (TF would also drop a dynamic batch of 1 at run time). An NHWC
// input stays NHWC when the squeezed axes leave the others in ONNX's order (the 1x1
// spatial dims after a global pool).
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class SqueezeToTf final : public OpConverter {
 public:
  explicit SqueezeToTf(int since) : OpConverter("Squeeze", since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const override {
    auto it = facts.find(n.input(0));
    if (it == facts.end() || !IsChannelsLastRank(it->second.rank())) return false;
    static const ValueFacts kNone;
    auto ai = n.input(1) ? facts.find(n.input(1)) : facts.end();
    auto axes = Axes(n, ai == facts.end() ? kNone : ai->second, it->second);
    return axes.ok() && !axes->empty() && KeepsNchwOrder(*axes, it->second.rank());
  }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 13) return {"axes"};
    return {};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    auto axes = Axes(n, ctx.in(1), x);
    if (!axes.ok() || axes->empty()) return Status::Ok();
    std::vector<ir::Dim> dims;
    for (int i = 0; i < x.rank(); ++i)
      if (std::find(axes->begin(), axes->end(), i) == axes->end()) dims.push_back((*x.dims)[i]);
    ctx.out(0).dims = dims;
    if (x.elements && x.rank() == 1 && dims.empty()) ctx.out(0).SetElements(*x.elements, true);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& x = b.in_facts(0);
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> axes, Axes(n, b.in_facts(1), x));
    if (axes.empty()) return b.Error("the squeezed axes are unknown at convert time");
    for (int64_t a : axes) {
      const ir::Dim& d = (*x.dims)[a];
      if (d.known() && d.value != 1)
        return b.Error("axis " + std::to_string(a) + " has size " + std::to_string(d.value));
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(0));
    if (b.nhwc()) {
      for (int64_t& a : axes) a = b.Axis(a, x.rank());
      std::sort(axes.begin(), axes.end());
    }
    b.SetOutput(0, b.Emit("Squeeze", {v},
                          {{"T", TypeAttr(x.dtype)}, {"squeeze_dims", ir::Attribute::Ints(axes)}},
                          TfDType(x.dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  // Normalised, sorted axes; empty when unknown at convert time.
  StatusOr<std::vector<int64_t>> Axes(const ir::Node& n, const ValueFacts& axes_in,
                                      const ValueFacts& x) const {
    const int r = x.rank();
    if (r < 0) return std::vector<int64_t>{};
    std::vector<int64_t> axes;
    const bool given = since_opset() < 13 ? n.has_attr("axes") : n.input(1) != nullptr;
    if (!given) {
      for (int i = 0; i < r; ++i) {
        const ir::Dim& d = (*x.dims)[i];
        if (!d.known()) return std::vector<int64_t>{};
        if (d.value == 1) axes.push_back(i);
      }
      return axes;
    }
    if (since_opset() < 13) {
      axes = n.GetInts("axes");
    } else if (axes_in.constant) {
      axes = axes_in.constant->ToInt64Vector();
    } else {
      // Run-time axes: every squeezed dim has size 1, so when the count of axes (a static
      // length) equals the count of size-1 dims of a static input, they are those dims.
      if (axes_in.rank() != 1 || !(*axes_in.dims)[0].known() || !x.IsStatic())
        return std::vector<int64_t>{};
      for (int i = 0; i < r; ++i)
        if ((*x.dims)[i].value == 1) axes.push_back(i);
      if (static_cast<int64_t>(axes.size()) != (*axes_in.dims)[0].value)
        return std::vector<int64_t>{};
    }
    for (int64_t& a : axes) {
      if (a < 0) a += r;
      if (a < 0 || a >= r)
        return InvalidArgument(n.Describe() + ": axis is out of range for rank " +
                               std::to_string(r));
    }
    std::sort(axes.begin(), axes.end());
    return axes;
  }
};

}  // namespace

void RegisterSqueeze(ConverterTable& t) {
  t.Add(std::make_unique<SqueezeToTf>(1));
  t.Add(std::make_unique<SqueezeToTf>(13));
}

}  // namespace ferry::convert::onnx_to_tf::ops
