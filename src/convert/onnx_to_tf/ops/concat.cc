// ONNX Concat (4, 11, 13) -> TF ConcatV2 (N inputs, then the axis). The axis is remapped when
// the inputs live NHWC; 1-D integer elements (shape math) are concatenated symbolically.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ConcatToTf final : public OpConverter {
 public:
  ConcatToTf() : OpConverter("Concat", 4) {}
  Layout layout() const override { return Layout::kChannelAxis; }
  bool AcceptsNdhwc(const ir::Node&, const FactsMap&) const override { return true; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    ValueFacts& out = ctx.out(0);
    const ValueFacts& first = ctx.in(0);
    out.dtype = first.dtype;
    const int r = first.rank();
    if (r < 0) return Status::Ok();
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) return ctx.Error("attribute 'axis' is out of range");
    std::vector<ir::Dim> dims = *first.dims;
    int64_t total = 0;
    bool known = true, all_elems = r == 1;
    std::vector<Elem> elems;
    for (int i = 0; i < n.num_inputs(); ++i) {
      const ValueFacts& f = ctx.in(i);
      if (f.rank() != r) return Status::Ok();
      const ir::Dim& d = (*f.dims)[axis];
      known &= d.known();
      if (d.known()) total += d.value;
      if (all_elems && f.elements)
        elems.insert(elems.end(), f.elements->begin(), f.elements->end());
      else
        all_elems = false;
    }
    dims[axis] = known ? ir::Dim::Known(total) : ir::Dim::Unknown();
    out.dims = dims;
    if (all_elems && IsInteger(out.dtype)) out.SetElements(elems, false);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    std::vector<ir::Value*> ins;
    for (int i = 0; i < n.num_inputs(); ++i) {
      FERRY_ASSIGN_OR_RETURN(ir::Value * v, b.Input(i));
      ins.push_back(v);
    }
    ins.push_back(b.ConstInt32({b.Axis(n.GetInt("axis", 0), r)}, n.name() + "/axis", true));
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, b.Emit("ConcatV2", ins,
                          {{"T", TypeAttr(t)},
                           {"N", ir::Attribute::Int(n.num_inputs())},
                           {"Tidx", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterConcat(ConverterTable& t) { t.Add(std::make_unique<ConcatToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
