// ONNX Reshape (5, 14: allowzero) -> TF Reshape with a constant target. The target is
// resolved at convert time from the shape input's elements, which may be symbolic (torch's
// x.view(x.size(0), -1) exports Shape -> Gather -> Unsqueeze -> Concat): ONNX's 0 copies
// the input dim, a symbol equal to an input dim is that dim, and the one remaining unknown
// becomes TF's -1. A target with two unknowns that do not cancel is an error.
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"

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
    if (!s.elements) return Status::Ok();
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
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* shape = nullptr;
    if (out.dims) {
      std::vector<int64_t> target = out.StaticDims();
      if (b.nhwc()) target = {-1, target[1]};  // flatten of NHWC (see passes/to_nhwc.h)
      if (std::count(target.begin(), target.end(), -1) <= 1)
        shape = b.ConstInt32(target, n.name() + "/shape");
    }
    if (!shape) {
      // A data-dependent target: TF's Reshape reads it as is, which matches ONNX only when
      // no element is 0 (ONNX copies the input dim there) - not knowable here.
      return b.Error(
          "input 1 (shape) cannot be resolved at convert time to a target with at "
          "most one unknown dim");
    }
    b.SetOutput(0, b.Emit("Reshape", {x, shape},
                          {{"T", TypeAttr(b.in_facts(0).dtype)},
                           {"Tshape", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(b.in_facts(0).dtype), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterReshape(ConverterTable& t) { t.Add(std::make_unique<ReshapeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
