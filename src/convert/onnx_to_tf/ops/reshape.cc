// ONNX Reshape (5, 14: allowzero) -> TF Reshape with a constant target. The target is
// resolved at convert time from the shape input's elements, which may be symbolic (torch's
// x.view(x.size(0), -1) exports Shape -> Gather -> Unsqueeze -> Concat): ONNX's 0 copies
// the input dim, a symbol equal to an input dim is that dim, and the one remaining unknown
// becomes TF's -1. A target with two unknowns that do not cancel is computed in the graph
// from the run-time shape input (dynamic dims), ONNX's 0s resolved by SelectV2.
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"
#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ReshapeToTf final : public OpConverter {
 public:
  ReshapeToTf() : OpConverter("Reshape", 5) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"allowzero"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    const ValueFacts& s = ctx.in(1);
    ValueFacts& out = ctx.out(0);
    out.dtype = x.dtype;
    if (!s.elements) {
      // Values known only at run time: the rank is the target's length (the dims the model
      // records, when it records that many, else unknown).
      if (s.rank() != 1 || !(*s.dims)[0].known()) return Status::Ok();
      const auto& recorded = n.output(0)->info().shape;
      const size_t len = static_cast<size_t>((*s.dims)[0].value);
      out.dims = recorded && recorded->size() == len
                     ? *recorded
                     : std::vector<ir::Dim>(len, ir::Dim::Unknown());
      return Status::Ok();
    }
    const bool allowzero = n.GetInt("allowzero", 0) != 0;
    std::vector<ir::Dim> dims;
    int infer = -1;
    for (size_t i = 0; i < s.elements->size(); ++i) {
      const Elem& e = (*s.elements)[i];
      if (!e.known()) {
        dims.push_back(ir::Dim::Named(e.sym));
      } else if (e.value == 0 && !allowzero) {
        if (x.rank() <= static_cast<int>(i)) return Status::Ok();
        dims.push_back((*x.dims)[i]);
      } else if (e.value == -1) {
        infer = static_cast<int>(i);
        dims.push_back(ir::Dim::Unknown());
      } else {
        dims.push_back(ir::Dim::Known(e.value));
      }
    }
    if (infer >= 0 && x.dims) {
      // -1 = (elements of x) / (product of the other target dims), when the symbols of both
      // sides cancel.
      std::vector<std::string> syms;
      int64_t num = 1, den = 1;
      bool ok = true;
      for (const ir::Dim& d : *x.dims) {
        if (d.known())
          num *= d.value;
        else if (!d.param.empty())
          syms.push_back(d.param);
        else
          ok = false;
      }
      for (size_t i = 0; i < dims.size() && ok; ++i) {
        if (static_cast<int>(i) == infer) continue;
        if (dims[i].known()) {
          den *= dims[i].value;
        } else {
          auto it = std::find(syms.begin(), syms.end(), dims[i].param);
          if (it == syms.end())
            ok = false;
          else
            syms.erase(it);
        }
      }
      if (ok && syms.empty() && den > 0 && num % den == 0) dims[infer] = ir::Dim::Known(num / den);
    }
    out.dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& out = b.out_facts(0);
    FERRY_ASSIGN_OR_RETURN(ir::Value * x,
                           b.nhwc() ? b.ValueIn(n.input(0), b.InputLayout(0)) : b.Input(0));
    ir::Value* shape = nullptr;
    if (out.dims) {
      std::vector<int64_t> target = out.StaticDims();
      const std::vector<int64_t> t = target;  // NHWC (passes/to_nhwc.h): shuffle split / merge
      if (b.nhwc() && b.OutputLayout(0) == ValueLayout::kShuffle)
        target = {-1, t[3], t[4], t[1], t[2]};
      else if (b.nhwc() && b.InputLayout(0) == ValueLayout::kShuffle)
        target = {-1, t[2], t[3], t[1]};
      else if (b.nhwc())
        target = {-1, target[1]};  // flatten of NHWC / NDHWC
      if (std::count(target.begin(), target.end(), -1) <= 1)
        shape = b.ConstInt32(target, n.name() + "/shape");
    }
    if (!shape && b.nhwc())
      return b.Error(
          "input 1 (shape) cannot be resolved at convert time to a target with at "
          "most one unknown dim");
    if (!shape) {
      FERRY_ASSIGN_OR_RETURN(shape, RunTimeTarget(n, b));
    }
    b.SetOutput(0, b.Emit("Reshape", {x, shape},
                          {{"T", TypeAttr(b.in_facts(0).dtype)},
                           {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(b.in_facts(0).dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  // The target computed in the graph (a shape built from dynamic dims, e.g. [batch, -1, d]
  // where the -1 cannot be resolved at convert time): the run-time shape input as int32,
  // with ONNX's 0 ("copy the input dim"; not with allowzero) replaced by the input's dim
  // through SelectV2 - unless every element is known not to be 0.
  static StatusOr<ir::Value*> RunTimeTarget(const ir::Node& n, TfBuilder& b) {
    const ValueFacts& xf = b.in_facts(0);
    const ValueFacts& sf = b.in_facts(1);
    FERRY_ASSIGN_OR_RETURN(ir::Value * s, b.Input(1));
    s = CastTo(b, s, DataType::kInt32);
    bool maybe_zero = n.GetInt("allowzero", 0) == 0;
    if (maybe_zero && sf.elements) {
      maybe_zero = false;
      for (const Elem& e : *sf.elements) maybe_zero = maybe_zero || (e.known() && e.value == 0);
    }
    if (!maybe_zero) return s;
    if (xf.rank() < 0 || sf.rank() != 1 || !(*sf.dims)[0].known())
      return b.Error("input 1 (shape) is computed at run time and may hold 0 (copy a dim), "
                     "but input 0's rank or input 1's length is unknown");
    const int r = xf.rank();
    const int64_t len = (*sf.dims)[0].value;
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* xs = ShapeOf(b, x, xf.dtype);
    // Input dims for the first `len` target positions (a 0 beyond x's rank is invalid in
    // ONNX; it stays 0 here and TF's Reshape refuses it).
    if (len < r) xs = SliceVector(b, xs, 0, len);
    if (len > r)
      xs = ConcatVectors(b, {xs, b.ConstInt32(std::vector<int64_t>(len - r, 0),
                                              n.name() + "/zeros")});
    ir::Value* zero = b.Emit("Equal", {s, b.ConstInt32({0}, n.name() + "/zero", true)},
                             {{"T", ir::Attribute::Type(DataType::kInt32)},
                              {"incompatible_shape_error", ir::Attribute::Bool(true)}},
                             DataType::kBool)
                          ->output(0);
    return EmitT(b, "SelectV2", {zero, xs, s}, DataType::kInt32);
  }
};

}  // namespace

void RegisterReshape(ConverterTable& t) { t.Add(std::make_unique<ReshapeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
