// ONNX Add, Sub, Mul, Div (6 with broadcast/axis; 7, 13, 14: NumPy broadcasting) -> TF AddV2,
// Sub, Mul, RealDiv. Opset 6 broadcasts B against A's trailing axes from `axis`; that is
// NumPy's rule exactly when axis = rank(A) - rank(B), the only case converted.
// Layout-agnostic: in NHWC a broadcast constant is permuted by TfBuilder::Input. Integer
// arithmetic on known elements (shape math) is folded at convert time.
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class BinaryToTf final : public OpConverter {
 public:
  BinaryToTf(const std::string& onnx, std::string tf)
      : OpConverter(onnx, 6), tf_op_(std::move(tf)) {}
  Layout layout() const override { return Layout::kAgnostic; }
  std::vector<std::string> attributes() const override { return {"broadcast", "axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& a = ctx.in(0);
    const ValueFacts& b = ctx.in(1);
    ValueFacts& out = ctx.out(0);
    out.dtype = a.dtype;
    FERRY_ASSIGN_OR_RETURN(out.dims, BroadcastDims(a, b, ctx));
    // Fold integer scalar/1-D arithmetic whose elements are all known.
    if (a.elements && b.elements && IsInteger(a.dtype) && out.rank() <= 1) {
      const auto& ea = *a.elements;
      const auto& eb = *b.elements;
      const size_t len = std::max(ea.size(), eb.size());
      if ((ea.size() == len || ea.size() == 1) && (eb.size() == len || eb.size() == 1)) {
        std::vector<Elem> r;
        bool ok = true;
        for (size_t i = 0; i < len && ok; ++i) {
          const Elem& x = ea[ea.size() == 1 ? 0 : i];
          const Elem& y = eb[eb.size() == 1 ? 0 : i];
          if (!x.known() || !y.known()) {
            ok = false;
            break;
          }
          if (tf_op_ == "AddV2")
            r.push_back(Elem::Of(x.value + y.value));
          else if (tf_op_ == "Sub")
            r.push_back(Elem::Of(x.value - y.value));
          else if (tf_op_ == "Mul")
            r.push_back(Elem::Of(x.value * y.value));
          else if (y.value != 0)
            r.push_back(Elem::Of(x.value / y.value));  // ONNX Div truncates
          else
            ok = false;
        }
        if (ok) out.SetElements(r, out.rank() == 0);
      }
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const DataType t = b.in_facts(0).dtype;
    if (n.has_attr("axis") && n.GetInt("broadcast", 0) != 0) {
      const int ra = b.in_facts(0).rank(), rb = b.in_facts(1).rank();
      int64_t axis = n.GetInt("axis", 0);
      if (axis < 0) axis += ra;
      if (ra < 0 || rb < 0 || axis != ra - rb)
        return b.Unsupported("axis", "broadcasts B from an axis other than rank(A) - rank(B), "
                                     "which NumPy broadcasting (TF) cannot express");
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * y, b.Input(1));
    if (tf_op_ == "RealDiv" && !IsFloating(t)) {
      // ONNX's integer Div truncates toward zero. Unsigned: TF FloorDiv is the same. Signed:
      // TruncateDiv is not in TF.js, so Sign(x) * Sign(y) * FloorDiv(|x|, |y|).
      const Attrs ta = {{"T", TypeAttr(t)}};
      const DataType tt = TfDType(t);
      const bool is_unsigned = t == DataType::kUInt8 || t == DataType::kUInt16 ||
                               t == DataType::kUInt32 || t == DataType::kUInt64;
      if (is_unsigned) {
        b.SetOutput(0, b.Emit("FloorDiv", {x, y}, ta, tt, b.OutName(0))->output(0));
        return Status::Ok();
      }
      const std::string& p = n.name();
      ir::Value* q = b.Emit("FloorDiv",
                            {b.Emit("Abs", {x}, ta, tt, p + "/abs_x")->output(0),
                             b.Emit("Abs", {y}, ta, tt, p + "/abs_y")->output(0)},
                            ta, tt, p + "/abs_quotient")
                         ->output(0);
      ir::Value* sign = b.Emit("Mul",
                               {b.Emit("Sign", {x}, ta, tt, p + "/sign_x")->output(0),
                                b.Emit("Sign", {y}, ta, tt, p + "/sign_y")->output(0)},
                               ta, tt, p + "/sign")
                            ->output(0);
      b.SetOutput(0, b.Emit("Mul", {sign, q}, ta, tt, b.OutName(0))->output(0));
      return Status::Ok();
    }
    b.SetOutput(0,
                b.Emit(tf_op_, {x, y}, {{"T", TypeAttr(t)}}, TfDType(t), b.OutName(0))->output(0));
    return Status::Ok();
  }

 private:
  std::string tf_op_;
};

}  // namespace

void RegisterElementwiseBinary(ConverterTable& t) {
  t.Add(std::make_unique<BinaryToTf>("Add", "AddV2"));
  t.Add(std::make_unique<BinaryToTf>("Sub", "Sub"));
  t.Add(std::make_unique<BinaryToTf>("Mul", "Mul"));
  t.Add(std::make_unique<BinaryToTf>("Div", "RealDiv"));
}

}  // namespace ferry::convert::onnx_to_tf::ops
