// ONNX Shape (1, 13, 15: start/end) -> folded to a constant when the dims are static; else
// TF Shape (out_type int32: TF.js has no int64), followed, for an NHWC input, by a GatherV2
// that puts the dims back in ONNX's NCHW order (no Transpose of the data), and by a
// StridedSlice for start/end.
#include <algorithm>

#include "convert/onnx_to_tf/ops/common.h"
#include "convert/onnx_to_tf/ops/dynamic.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class ShapeToTf final : public OpConverter {
 public:
  ShapeToTf() : OpConverter("Shape", 1) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"start", "end"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ValueFacts& out = ctx.out(0);
    out.dtype = DataType::kInt64;
    if (x.rank() < 0) return Status::Ok();
    const int r = x.rank();
    int64_t start = n.GetInt("start", 0), end = n.GetInt("end", r);
    if (start < 0) start += r;
    if (end < 0) end += r;
    start = std::clamp<int64_t>(start, 0, r);
    end = std::clamp<int64_t>(end, start, r);
    std::vector<Elem> e;
    for (int64_t i = start; i < end; ++i) {
      const ir::Dim& d = (*x.dims)[i];
      // An anonymous unknown dim still gets a symbol of its own.
      if (!d.known() && d.param.empty())
        e.push_back(Elem{0, "?" + n.output(0)->name() + ":" + std::to_string(i)});
      else
        e.push_back(Elem::FromDim(d));
    }
    out.SetElements(e, false);
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const bool sliced = n.has_attr("start") || n.has_attr("end");
    const int r = b.in_facts(0).rank();
    if (sliced && r < 0) return b.Error("'start' / 'end' on an input of unknown rank");
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    ir::Value* s = b.Emit("Shape", {x},
                          {{"T", TypeAttr(b.in_facts(0).dtype)},
                           {"out_type", ir::Attribute::Type(DataType::kInt32)}},
                          DataType::kInt32, b.nhwc() || sliced ? "" : b.OutName(0))
                       ->output(0);
    if (b.nhwc()) {
      s = b.Emit("GatherV2",
                 {s, b.ConstInt32(ToNchwPerm(r), n.name() + "/nchw_order"),
                  b.ConstInt32({0}, n.name() + "/axis", true)},
                 {{"Tparams", ir::Attribute::Type(DataType::kInt32)},
                  {"Tindices", ir::Attribute::Type(DataType::kInt32)},
                  {"Taxis", ir::Attribute::Type(DataType::kInt32)},
                  {"batch_dims", ir::Attribute::Int(0)}},
                 DataType::kInt32, sliced ? "" : b.OutName(0))
              ->output(0);
    }
    if (sliced) {
      int64_t start = n.GetInt("start", 0), end = n.GetInt("end", r);
      if (start < 0) start += r;
      if (end < 0) end += r;
      start = std::clamp<int64_t>(start, 0, r);
      end = std::clamp<int64_t>(end, start, r);
      s = SliceVector(b, s, start, end);
    }
    b.SetOutput(0, s);
    return Status::Ok();
  }
};

}  // namespace

void RegisterShape(ConverterTable& t) { t.Add(std::make_unique<ShapeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
