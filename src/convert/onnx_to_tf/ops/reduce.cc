// ONNX ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd (1, 11, 13; ReduceSum-13
// takes axes as input 1) -> TF Mean, Sum, Max, Min, Prod with keep_dims. Axes known only at
// run time feed TF's axis tensor (FloorMod-normalised, remapped by a GatherV2 in NHWC:
// dynamic.h); their count must be static and non-zero, because ONNX reduces every axis for an
// empty list and TF none (an empty list of static length is a constant).
// In NHWC the axes are remapped; with keepdims = 0 NHWC is accepted only when the kept axes
// stay in ONNX's order (torch's x.mean([2, 3]) keeps N, C in both layouts), else the node
// gets NCHW. noop_with_empty_axes (13) with no axes is an Identity.
// The composite reductions (ONNX's own function definitions, onnx/defs/reduction):
//   ReduceL1 = Sum(Abs(x)), ReduceL2 = Sqrt(Sum(Square(x))), ReduceSumSquare = Sum(Square(x)),
//   ReduceLogSum = Log(Sum(x)), ReduceLogSumExp = Log(Sum(Exp(x - m))) + m with m = Max(x)
//   (shifted so that exp cannot overflow).
#include <algorithm>

#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ReduceToTf final : public OpConverter {
 public:
  ReduceToTf(const std::string& onnx, std::string tf, std::string pre = "",
             std::string post = "")
      : OpConverter(onnx, 1), tf_op_(std::move(tf)), pre_(std::move(pre)), post_(std::move(post)) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    return {"axes", "keepdims", "noop_with_empty_axes"};
  }

  bool AcceptsNhwc(const ir::Node& n, const FactsMap& facts) const override {
    if (n.GetInt("keepdims", 1) != 0) return true;
    if (DynamicCount(n, [&](int i) -> const ValueFacts* {
          auto it = facts.find(n.input(i));
          return it == facts.end() ? nullptr : &it->second;
        }) >= 0)
      return false;  // which axes stay, and so their order, is known only at run time
    const int r = RankOf(facts, n.input(0));
    auto axes = Axes(n, r, [&](int i) -> const ValueFacts* {
      auto it = facts.find(n.input(i));
      return it == facts.end() ? nullptr : &it->second;
    });
    return axes.ok() && (!axes->has_value() || KeepsNchwOrder(**axes, r));
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    const int64_t dynamic = DynamicCount(n, [&](int i) { return &ctx.in(i); });
    if (dynamic >= 0) {
      if (n.GetInt("keepdims", 1) != 0)
        ctx.out(0).dims = std::vector<ir::Dim>(x.rank(), ir::Dim::Unknown());
      else if (dynamic > 0 && dynamic <= x.rank())
        ctx.out(0).dims = std::vector<ir::Dim>(x.rank() - dynamic, ir::Dim::Unknown());
      return Status::Ok();
    }
    FERRY_ASSIGN_OR_RETURN(auto axes, Axes(n, x.rank(), [&](int i) { return &ctx.in(i); }));
    if (!axes) {  // noop_with_empty_axes
      ctx.out(0).dims = x.dims;
      return Status::Ok();
    }
    const bool keep = n.GetInt("keepdims", 1) != 0;
    std::vector<ir::Dim> dims;
    for (int i = 0; i < x.rank(); ++i) {
      const bool reduced = std::find(axes->begin(), axes->end(), i) != axes->end();
      if (!reduced)
        dims.push_back((*x.dims)[i]);
      else if (keep)
        dims.push_back(ir::Dim::Known(1));
    }
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    const DataType t = b.in_facts(0).dtype;
    if (t != DataType::kFloat32 && t != DataType::kFloat64 && t != DataType::kInt32 &&
        t != DataType::kInt64)
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert to TF " +
                     tf_op_);
    const int64_t dynamic = DynamicCount(n, [&](int i) { return &b.in_facts(i); });
    if (dynamic == 0)
      return b.Error("axes (input 1) have a run-time length: an empty list reduces every axis "
                     "in ONNX and none in TF");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const bool keep = n.GetInt("keepdims", 1) != 0;
    const std::string& p = n.name();
    ir::Value* axes_c = nullptr;
    std::optional<std::vector<int64_t>> axes;
    if (dynamic > 0) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * a, b.Input(1));
      axes_c = NormalizeAxes(b, a, r);
    } else {
      FERRY_ASSIGN_OR_RETURN(axes, Axes(n, r, [&](int i) { return &b.in_facts(i); }));
    }
    if (!axes_c && !axes) {
      b.SetOutput(0, b.Emit("Identity", {x}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))
                         ->output(0));
      return Status::Ok();
    }
    if (!axes_c) {
      std::vector<int64_t> tf_axes;
      for (int64_t a : *axes) tf_axes.push_back(b.Axis(a, r));
      if (!keep && b.nhwc() && !KeepsNchwOrder(*axes, r))
        return Internal(n.Describe() + ": NHWC chosen for an order-changing reduction");
      axes_c = b.ConstInt32(tf_axes, p + "/axes");
    }
    const bool composite = !pre_.empty() || !post_.empty();
    if (composite && t != DataType::kFloat32 && t != DataType::kFloat64)
      return b.Error(std::string("dtype ") + DataTypeName(t) + " does not convert (float only)");
    auto reduce = [&](const std::string& op, ir::Value* v, bool keep_dims,
                      const std::string& name) {
      return b.Emit(op, {v, axes_c},
                    {{"T", TypeAttr(t)},
                     {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                     {"keep_dims", ir::Attribute::Bool(keep_dims)}},
                    TfDType(t), name)
          ->output(0);
    };
    auto unary = [&](const std::string& op, std::vector<ir::Value*> ins, const std::string& name) {
      return b.Emit(op, std::move(ins), {{"T", TypeAttr(t)}}, t, name)->output(0);
    };
    ir::Value* max_out = nullptr;
    if (pre_ == "Exp") {  // LogSumExp: shift by the max so that exp cannot overflow
      ir::Value* m = reduce("Max", x, true, p + "/max");
      max_out = keep ? m : reduce("Max", x, false, p + "/max_out");
      x = unary("Sub", {x, m}, p + "/shifted");
    }
    if (!pre_.empty()) x = unary(pre_, {x}, p + "/" + pre_);
    ir::Value* y = reduce(tf_op_, x, keep, composite ? p + "/" + tf_op_ : b.OutName(0));
    if (!post_.empty())
      y = unary(post_, {y}, max_out ? p + "/" + post_ : b.OutName(0));
    if (max_out) y = unary("AddV2", {y, max_out}, b.OutName(0));
    b.SetOutput(0, y);
    return Status::Ok();
  }

 private:
  // For axes given as a run-time input 1 (not a constant, not of static length 0): their
  // count, or 0 when it is unknown. -1 when the axes are known at convert time.
  template <typename FactsOf>
  static int64_t DynamicCount(const ir::Node& n, FactsOf facts_of) {
    if (n.num_inputs() < 2 || !n.input(1)) return -1;
    const ValueFacts* f = facts_of(1);
    if (f && f->constant) return -1;
    if (!f || f->rank() != 1 || !(*f->dims)[0].known()) return 0;
    return (*f->dims)[0].value == 0 ? -1 : (*f->dims)[0].value;
  }

  // Sorted non-negative axes; nullopt for noop_with_empty_axes with no axes. ONNX: no axes
  // reduces every axis. Axes given as input 1 must be known at convert time.
  template <typename FactsOf>
  StatusOr<std::optional<std::vector<int64_t>>> Axes(const ir::Node& n, int r,
                                                     FactsOf facts_of) const {
    std::vector<int64_t> axes = n.GetInts("axes");
    if (n.num_inputs() > 1 && n.input(1)) {
      const ValueFacts* f = facts_of(1);
      const bool empty = f && f->rank() == 1 && (*f->dims)[0] == ir::Dim::Known(0);
      if (!f || (!f->constant && !empty))
        return InvalidArgument(n.Describe() + ": axes (input 1) must be a constant to convert");
      axes = empty ? std::vector<int64_t>{} : f->constant->ToInt64Vector();
    }
    if (axes.empty()) {
      if (n.GetInt("noop_with_empty_axes", 0) != 0) return std::optional<std::vector<int64_t>>();
      for (int i = 0; i < r; ++i) axes.push_back(i);
    }
    for (int64_t& a : axes)
      if (a < 0) a += r;
    std::sort(axes.begin(), axes.end());
    return std::optional<std::vector<int64_t>>(axes);
  }

  std::string tf_op_, pre_, post_;
};

}  // namespace

void RegisterReduce(ConverterTable& t) {
  t.Add(std::make_unique<ReduceToTf>("ReduceMean", "Mean"));
  t.Add(std::make_unique<ReduceToTf>("ReduceSum", "Sum"));
  t.Add(std::make_unique<ReduceToTf>("ReduceMax", "Max"));
  t.Add(std::make_unique<ReduceToTf>("ReduceMin", "Min"));
  t.Add(std::make_unique<ReduceToTf>("ReduceProd", "Prod"));
  t.Add(std::make_unique<ReduceToTf>("ReduceL1", "Sum", "Abs"));
  t.Add(std::make_unique<ReduceToTf>("ReduceL2", "Sum", "Square", "Sqrt"));
  t.Add(std::make_unique<ReduceToTf>("ReduceSumSquare", "Sum", "Square"));
  t.Add(std::make_unique<ReduceToTf>("ReduceLogSum", "Sum", "", "Log"));
  t.Add(std::make_unique<ReduceToTf>("ReduceLogSumExp", "Sum", "Exp", "Log"));
}

}  // namespace ferry::convert::onnx_to_tf::ops
