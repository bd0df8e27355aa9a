// ONNX Slice (1: starts/ends/axes attributes; 10, 11, 13: inputs) -> TF StridedSlice over
// every dim (unsliced dims take [0, INT32_MAX) step 1). Inputs known only at run time feed
// StridedSlice's begin/end/strides tensors, scattered to full rank in the graph by axis
// (dynamic.h: entry j is starts[k] where axes[k] mod rank == j); axes, when absent, are
// 0..n-1 for a static count n. ONNX and TF clamp
// out-of-range starts/ends the same way once negatives count from the end, so the values
// pass through, clamped into int32 (TF.js indices are int32). In NHWC the axes are remapped.
// A 1-D integer value of known elements (shape math: Shape -> Slice) is sliced at convert time.
#include <algorithm>
#include <limits>

#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

struct SliceSpec {
  std::vector<int64_t> starts, ends, axes, steps;  // axes normalised to [0, rank)
};

class SliceToTf final : public OpConverter {
 public:
  explicit SliceToTf(int since) : OpConverter("Slice", since) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override {
    if (since_opset() < 10) return {"starts", "ends", "axes"};
    return {};
  }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ValueFacts& out = ctx.out(0);
    out.dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    auto spec = Spec(n, x.rank(), [&](int i) { return &ctx.in(i); });
    if (!spec.ok()) {  // run-time starts/ends/axes/steps (or an error Convert reports)
      out.dims = std::vector<ir::Dim>(x.rank(), ir::Dim::Unknown());
      return Status::Ok();
    }
    std::vector<ir::Dim> dims = *x.dims;
    for (size_t i = 0; i < spec->axes.size(); ++i) {
      const int64_t a = spec->axes[i];
      if (!dims[a].known()) continue;
      int64_t b, len;
      Resolve(dims[a].value, spec->starts[i], spec->ends[i], spec->steps[i], &b, &len);
      dims[a] = ir::Dim::Known(len);
    }
    // An unknown dim sliced with explicit bounds may still have a known length; left unknown.
    for (size_t i = 0; i < spec->axes.size(); ++i)
      if (!(*x.dims)[spec->axes[i]].known()) dims[spec->axes[i]] = ir::Dim::Unknown();
    out.dims = dims;
    if (x.elements && x.rank() == 1 && spec->axes.size() == 1) {
      const auto& e = *x.elements;
      int64_t b, len;
      Resolve(static_cast<int64_t>(e.size()), spec->starts[0], spec->ends[0], spec->steps[0], &b,
              &len);
      std::vector<Elem> r;
      for (int64_t i = 0; i < len; ++i) r.push_back(e[b + i * spec->steps[0]]);
      out.SetElements(r, false);
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    auto spec_or = Spec(n, r, [&](int i) { return &b.in_facts(i); });
    if (!spec_or.ok() && since_opset() >= 10) return ConvertDynamic(n, b, r);
    FERRY_ASSIGN_OR_RETURN(SliceSpec spec, std::move(spec_or));
    constexpr int64_t kMax = std::numeric_limits<int32_t>::max();
    constexpr int64_t kMin = std::numeric_limits<int32_t>::min();
    std::vector<int64_t> begin(r, 0), end(r, kMax), strides(r, 1);
    for (size_t i = 0; i < spec.axes.size(); ++i) {
      const int64_t a = b.Axis(spec.axes[i], r);
      begin[a] = std::clamp(spec.starts[i], kMin, kMax);
      end[a] = std::clamp(spec.ends[i], kMin, kMax);
      strides[a] = spec.steps[i];
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, EmitStridedSlice(b, x, b.ConstInt32(begin, n.name() + "/begin"),
                                    b.ConstInt32(end, n.name() + "/end"),
                                    b.ConstInt32(strides, n.name() + "/strides"), t, {},
                                    b.OutName(0)));
    return Status::Ok();
  }

 private:
  Status ConvertDynamic(const ir::Node& n, TfBuilder& b, int r) const {
    const ValueFacts& sf = b.in_facts(1);
    if (sf.rank() != 1 || !(*sf.dims)[0].known())
      return b.Error("starts (input 1) have a run-time length");
    const int64_t count = (*sf.dims)[0].value;
    const std::string p = n.name();
    auto input = [&](int i) -> StatusOr<ir::Value*> {
      if (n.num_inputs() <= i || !n.input(i)) return static_cast<ir::Value*>(nullptr);
      return b.Input(i);
    };
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * starts, input(1));
    FERRY_ASSIGN_OR_RETURN(ir::Value * ends, input(2));
    FERRY_ASSIGN_OR_RETURN(ir::Value * axes, input(3));
    FERRY_ASSIGN_OR_RETURN(ir::Value * steps, input(4));
    if (!axes) {
      std::vector<int64_t> a(count);
      for (int64_t i = 0; i < count; ++i) a[i] = i;
      axes = b.ConstInt32(a, p + "/axes");
    }
    if (!steps) steps = b.ConstInt32(std::vector<int64_t>(count, 1), p + "/steps");
    ir::Value* match = AxisMatch(b, NormalizeAxes(b, axes, r), r);
    ir::Value* begin = ScatterByAxis(b, match, starts, 0);
    ir::Value* end = ScatterByAxis(b, match, ends, std::numeric_limits<int32_t>::max());
    ir::Value* strides = ScatterByAxis(b, match, steps, 1);
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, EmitStridedSlice(b, x, begin, end, strides, t, {}, b.OutName(0)));
    return Status::Ok();
  }

  // ONNX's clamping (onnx/defs/tensor/defs.cc, Slice-13): first index and length of one dim.
  static void Resolve(int64_t dim, int64_t start, int64_t end, int64_t step, int64_t* first,
                      int64_t* len) {
    if (start < 0) start += dim;
    if (end < 0) end += dim;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      *len = std::max<int64_t>(0, (end - start + step - 1) / step);
    } else {
      start = std::clamp<int64_t>(start, 0, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      *len = std::max<int64_t>(0, (start - end - step - 1) / (-step));
    }
    *first = start;
  }

  template <typename FactsOf>
  StatusOr<SliceSpec> Spec(const ir::Node& n, int r, FactsOf facts_of) const {
    SliceSpec s;
    if (since_opset() < 10) {
      s.starts = n.GetInts("starts");
      s.ends = n.GetInts("ends");
      s.axes = n.GetInts("axes");
    } else {
      auto known = [&](int i, const char* what) -> StatusOr<std::vector<int64_t>> {
        if (n.num_inputs() <= i || !n.input(i)) return std::vector<int64_t>{};
        const ValueFacts* f = facts_of(i);
        if (!f || !f->constant)
          return InvalidArgument(n.Describe() + ": " + what + " (input " + std::to_string(i) +
                                 ") must be known at convert time");
        return f->constant->ToInt64Vector();
      };
      FERRY_ASSIGN_OR_RETURN(s.starts, known(1, "starts"));
      FERRY_ASSIGN_OR_RETURN(s.ends, known(2, "ends"));
      FERRY_ASSIGN_OR_RETURN(s.axes, known(3, "axes"));
      FERRY_ASSIGN_OR_RETURN(s.steps, known(4, "steps"));
    }
    if (s.axes.empty())
      for (size_t i = 0; i < s.starts.size(); ++i) s.axes.push_back(static_cast<int64_t>(i));
    if (s.steps.empty()) s.steps.assign(s.starts.size(), 1);
    if (s.ends.size() != s.starts.size() || s.axes.size() != s.starts.size() ||
        s.steps.size() != s.starts.size())
      return InvalidArgument(n.Describe() + ": starts, ends, axes and steps differ in length");
    for (size_t i = 0; i < s.axes.size(); ++i) {
      if (s.axes[i] < 0) s.axes[i] += r;
      if (s.axes[i] < 0 || s.axes[i] >= r)
        return InvalidArgument(n.Describe() + ": axis out of range for rank " + std::to_string(r));
      if (s.steps[i] == 0) return InvalidArgument(n.Describe() + ": a step is 0");
    }
    return s;
  }
};

}  // namespace

void RegisterSlice(ConverterTable& t) {
  t.Add(std::make_unique<SliceToTf>(1));
  t.Add(std::make_unique<SliceToTf>(10));
}

}  // namespace ferry::convert::onnx_to_tf::ops
