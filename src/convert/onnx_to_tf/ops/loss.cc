// ONNX NegativeLogLikelihoodLoss (12, 13) and SoftmaxCrossEntropyLoss (12, 13) -> TF ops.
// TF has no gather along an axis by a same-shaped index (GatherElements), so the target
// picks its class through a one-hot mask over the class axis 1:
//   mask = OneHot(target, C) with the class axis moved to 1 [* weight[c]]
//          [* (target != ignore_index)]
//   loss = -Sum(input * mask, axis 1); reduction 'sum' sums it, 'mean' divides that by
//   Sum(mask) (the weights of the counted elements, ONNX's definition), 'none' keeps it.
// OneHot gives a zero row for an index outside [0, C), so an out-of-range ignore_index needs
// no extra mask. SoftmaxCrossEntropyLoss first takes LogSoftmax over axis 1 (moved last by a
// Transpose for rank > 2: TF's LogSoftmax works on the last axis); its optional second
// output is that log-probability.
#include <numeric>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class LossToTf final : public OpConverter {
 public:
  LossToTf(const std::string& op, bool softmax) : OpConverter(op, 12), softmax_(softmax) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"reduction", "ignore_index"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (Reduction(n) != "none") {
      ctx.out(0).dims = std::vector<ir::Dim>{};
    } else if (x.rank() >= 2) {
      std::vector<ir::Dim> d = *x.dims;
      d.erase(d.begin() + 1);
      ctx.out(0).dims = d;
    }
    if (n.num_outputs() > 1 && n.output(1)) {
      ctx.out(1).dtype = x.dtype;
      ctx.out(1).dims = x.dims;
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    const int r = xf.rank();
    if (r < 2) return b.Error("input must have rank >= 2");
    const std::vector<int64_t> dims = xf.StaticDims();
    if (dims[1] < 0) return b.Error("the class dim (1) must be known at convert time");
    const std::string reduction = Reduction(n);
    if (reduction != "none" && reduction != "sum" && reduction != "mean")
      return b.Unsupported("reduction", "'" + reduction + "' is not none, sum or mean");
    const DataType t = xf.dtype;
    if (t != DataType::kFloat32 && t != DataType::kFloat64)
      return b.Error("only float32 and float64 convert");
    const std::string& p = n.name();
    const Attrs ta = {{"T", TypeAttr(t)}};
    auto scalar = [&](double v, const std::string& hint) {
      return b.Const(t == DataType::kFloat64 ? Tensor::Scalar<double>(v)
                                             : Tensor::Scalar<float>(static_cast<float>(v)),
                     p + "/" + hint);
    };
    auto binary = [&](const std::string& op, ir::Value* a, ir::Value* c, const std::string& name) {
      return b.Emit(op, {a, c}, ta, t, name)->output(0);
    };
    auto sum = [&](ir::Value* v, std::vector<int64_t> axes, const std::string& name) {
      return b.Emit("Sum", {v, b.ConstInt32(axes, p + "/axes")},
                    {{"T", TypeAttr(t)},
                     {"Tidx", ir::Attribute::Type(DataType::kInt32)},
                     {"keep_dims", ir::Attribute::Bool(false)}},
                    t, name)
          ->output(0);
    };
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    if (softmax_) {
      std::vector<int64_t> perm(r), back(r);
      std::iota(perm.begin(), perm.end(), 0);
      perm.erase(perm.begin() + 1);
      perm.push_back(1);
      for (int i = 0; i < r; ++i) back[perm[i]] = i;
      const Attrs tp = {{"T", TypeAttr(t)}, {"Tperm", ir::Attribute::Type(DataType::kInt32)}};
      const bool want_log_prob = n.num_outputs() > 1 && n.output(1);
      ir::Value* last = r > 2 ? b.Emit("Transpose", {x, b.ConstInt32(perm, p + "/perm")}, tp, t,
                                       p + "/classes_last")
                                    ->output(0)
                              : x;
      ir::Value* lp = b.Emit("LogSoftmax", {last}, ta, t,
                             r > 2 || !want_log_prob ? p + "/log_softmax" : b.OutName(1))
                          ->output(0);
      if (r > 2)
        lp = b.Emit("Transpose", {lp, b.ConstInt32(back, p + "/perm_back")}, tp, t,
                    want_log_prob ? b.OutName(1) : p + "/log_prob")
                 ->output(0);
      if (want_log_prob) b.SetOutput(1, lp);
      x = lp;
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * target, b.Input(1));
    // The class axis is appended (axis -1) and moved to 1 by a Transpose: TF.js's OneHot
    // ignores its axis attribute and always appends.
    const Attrs one_hot_attrs = {{"T", TypeAttr(t)},
                                 {"TI", ir::Attribute::Type(DataType::kInt32)},
                                 {"axis", ir::Attribute::Int(-1)}};
    ir::Value* mask = b.Emit("OneHot",
                             {target, b.ConstInt32({dims[1]}, p + "/depth", true),
                              scalar(1.0, "on"), scalar(0.0, "off")},
                             one_hot_attrs, t, p + "/one_hot")
                          ->output(0);
    if (r > 2) {
      std::vector<int64_t> to_axis1 = {0, r - 1};
      for (int64_t i = 1; i < r - 1; ++i) to_axis1.push_back(i);
      mask = b.Emit("Transpose", {mask, b.ConstInt32(to_axis1, p + "/one_hot_perm")},
                    {{"T", TypeAttr(t)}, {"Tperm", ir::Attribute::Type(DataType::kInt32)}}, t,
                    p + "/one_hot_classes")
                 ->output(0);
    }
    if (n.num_inputs() > 2 && n.input(2)) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * w, b.Input(2));
      std::vector<int64_t> shape(r, 1);
      shape[1] = dims[1];
      ir::Value* wb = b.Emit("Reshape", {w, b.ConstInt32(shape, p + "/weight_shape")},
                             {{"T", TypeAttr(t)}, {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                             t, p + "/weight")
                          ->output(0);
      mask = binary("Mul", mask, wb, p + "/weighted");
    }
    if (n.has_attr("ignore_index")) {
      const int64_t ignore = n.GetInt("ignore_index", 0);
      if (ignore >= 0 && ignore < dims[1]) {
        ir::Value* keep = b.Emit("NotEqual",
                                 {target, b.ConstInt32({ignore}, p + "/ignore", true)},
                                 {{"T", ir::Attribute::Type(DataType::kInt32)},
                                  {"incompatible_shape_error", ir::Attribute::Bool(true)}},
                                 DataType::kBool, p + "/kept")
                              ->output(0);
        ir::Value* keep_f = b.Emit("Cast", {keep},
                                   {{"SrcT", ir::Attribute::Type(DataType::kBool)},
                                    {"DstT", TypeAttr(t)},
                                    {"Truncate", ir::Attribute::Bool(false)}},
                                   t, p + "/kept_f")
                                ->output(0);
        ir::Value* keep_e = b.Emit("ExpandDims", {keep_f, b.ConstInt32({1}, p + "/dim1", true)},
                                   {{"T", TypeAttr(t)}, {"Tdim", ir::Attribute::Type(DataType::kInt32)}},
                                   t, p + "/kept_axis")
                                ->output(0);
        mask = binary("Mul", mask, keep_e, p + "/masked");
      }
    }
    ir::Value* picked = sum(binary("Mul", x, mask, p + "/picked_all"), {1}, p + "/picked");
    std::vector<int64_t> all(r - 1);
    std::iota(all.begin(), all.end(), 0);
    ir::Value* y = nullptr;
    if (reduction == "none") {
      y = binary("Mul", picked, scalar(-1.0, "minus_one"), b.OutName(0));
    } else {
      ir::Value* total = sum(picked, all, p + "/total");
      if (reduction == "sum") {
        y = binary("Mul", total, scalar(-1.0, "minus_one"), b.OutName(0));
      } else {
        ir::Value* count = sum(sum(mask, {1}, p + "/weights"), all, p + "/weight_total");
        ir::Value* neg = binary("Mul", total, scalar(-1.0, "minus_one"), p + "/neg_total");
        y = binary("RealDiv", neg, count, b.OutName(0));
      }
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }

 private:
  static std::string Reduction(const ir::Node& n) {
    const ir::Attribute* a = n.attr("reduction");
    return a && a->kind() == ir::AttrKind::kString ? a->s() : "mean";
  }

  bool softmax_;
};

}  // namespace

void RegisterLoss(ConverterTable& t) {
  t.Add(std::make_unique<LossToTf>("NegativeLogLikelihoodLoss", false));
  t.Add(std::make_unique<LossToTf>("SoftmaxCrossEntropyLoss", true));
}

}  // namespace ferry::convert::onnx_to_tf::ops
