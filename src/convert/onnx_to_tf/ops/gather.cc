// ONNX Gather (1, 11, 13) -> TF GatherV2(params, indices, axis). Constant negative indices
// are normalised at convert time (TF's CPU kernel rejects them), run-time ones wrapped by
// FloorMod(indices, dim) when the axis' size is known (ONNX allows [-dim, dim)); known
// integer elements (shape math) are gathered symbolically.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GatherToTf final : public OpConverter {
 public:
  GatherToTf() : OpConverter("Gather", 1) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& data = ctx.in(0);
    const ValueFacts& idx = ctx.in(1);
    ValueFacts& out = ctx.out(0);
    out.dtype = data.dtype;
    const int r = data.rank();
    if (r < 1 || idx.rank() < 0) return Status::Ok();
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    if (axis < 0 || axis >= r) return ctx.Error("attribute 'axis' is out of range");
    std::vector<ir::Dim> dims(data.dims->begin(), data.dims->begin() + axis);
    dims.insert(dims.end(), idx.dims->begin(), idx.dims->end());
    dims.insert(dims.end(), data.dims->begin() + axis + 1, data.dims->end());
    out.dims = dims;
    if (r == 1 && data.elements && idx.constant && idx.rank() <= 1) {
      std::vector<Elem> e;
      const int64_t len = static_cast<int64_t>(data.elements->size());
      for (int64_t i = 0; i < idx.constant->NumElements(); ++i) {
        int64_t j = idx.constant->GetAsInt64(i);
        if (j < 0) j += len;
        if (j < 0 || j >= len) return ctx.Error("index " + std::to_string(j) + " is out of range");
        e.push_back((*data.elements)[j]);
      }
      out.SetElements(e, idx.rank() == 0);
    }
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& data = b.in_facts(0);
    const int r = data.rank();
    if (r < 1) return b.Error("input 0 rank is unknown");
    int64_t axis = n.GetInt("axis", 0);
    if (axis < 0) axis += r;
    FERRY_ASSIGN_OR_RETURN(ir::Value * params, b.Input(0));
    ir::Value* indices = nullptr;
    if (const Tensor* t = b.ConstInput(1)) {
      const ir::Dim& dim = (*data.dims)[axis];
      Tensor norm(DataType::kInt32, t->shape());
      for (int64_t i = 0; i < t->NumElements(); ++i) {
        int64_t j = t->GetAsInt64(i);
        if (j < 0) {
          if (!dim.known()) return b.Error("negative index on a dynamic axis");
          j += dim.value;
        }
        norm.data<int32_t>()[i] = static_cast<int32_t>(j);
      }
      indices = b.Const(norm, n.input(1)->name());
    } else {
      FERRY_ASSIGN_OR_RETURN(indices, b.Input(1));
      const ir::Dim& dim = (*data.dims)[axis];
      if (dim.known()) {
        const DataType it = TfDType(b.in_facts(1).dtype);
        Tensor d = it == DataType::kInt32 ? Tensor::Scalar<int32_t>(static_cast<int32_t>(dim.value))
                                          : Tensor::Scalar<int64_t>(dim.value);
        indices = b.Emit("FloorMod", {indices, b.Const(d, n.name() + "/dim")}, {{"T", TypeAttr(it)}},
                         it, n.name() + "/wrapped")
                      ->output(0);
      }
    }
    b.SetOutput(
        0, b.Emit("GatherV2", {params, indices, b.ConstInt32({axis}, n.name() + "/axis", true)},
                  {{"Tparams", TypeAttr(data.dtype)},
                   {"Tindices", TypeAttr(b.in_facts(1).dtype)},
                   {"Taxis", ir::Attribute::Type(DataType::kInt32)},
                   {"batch_dims", ir::Attribute::Int(0)}},
                  TfDType(data.dtype), b.OutName(0))
               ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterGather(ConverterTable& t) { t.Add(std::make_unique<GatherToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
