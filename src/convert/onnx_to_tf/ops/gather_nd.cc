// ONNX GatherND (11, 12, 13)(data, indices) with batch_dims -> TF GatherNd(params, indices)
// (array_ops.cc). TF's op has no batch dims, so for batch_dims = b the indices get the b
// batch coordinates prepended (a constant grid, ConcatV2 on the last axis): GatherNd then
// returns indices.shape[:-1] + data.shape[b + K:], which is ONNX's output. Needs static
// indices shape when batch_dims > 0.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class GatherNdToTf final : public OpConverter {
 public:
  GatherNdToTf() : OpConverter("GatherND", 11) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"batch_dims"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& d = ctx.in(0);
    const ValueFacts& i = ctx.in(1);
    ctx.out(0).dtype = d.dtype;
    if (d.rank() < 0 || i.rank() < 1 || !(*i.dims).back().known()) return Status::Ok();
    const int64_t k = (*i.dims).back().value;
    const int64_t bd = n.GetInt("batch_dims", 0);
    if (bd + k > d.rank()) return ctx.Error("indices address more axes than data has");
    std::vector<ir::Dim> dims(i.dims->begin(), i.dims->end() - 1);
    dims.insert(dims.end(), d.dims->begin() + bd + k, d.dims->end());
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const std::string& p = n.name();
    const ValueFacts& inf = b.in_facts(1);
    const DataType t = b.in_facts(0).dtype;
    const DataType i32 = DataType::kInt32;
    FERRY_ASSIGN_OR_RETURN(ir::Value * data, b.Input(0));
    FERRY_ASSIGN_OR_RETURN(ir::Value * idx, b.Input(1));
    if (TfDType(inf.dtype) != i32) idx = EmitCast(b, idx, inf.dtype, i32, p + "/indices_int32");
    const int64_t bd = n.GetInt("batch_dims", 0);
    if (bd > 0) {
      if (!inf.IsStatic()) return b.Error("batch_dims > 0 needs a static indices shape");
      std::vector<int64_t> ishape = inf.StaticDims();
      ishape.back() = bd;
      Tensor grid(i32, Shape(ishape));
      int64_t count = 1;
      for (size_t j = 0; j + 1 < ishape.size(); ++j) count *= ishape[j];
      std::vector<int64_t> pos(ishape.size() - 1, 0);
      for (int64_t e = 0; e < count; ++e) {
        for (int64_t j = 0; j < bd; ++j) grid.data<int32_t>()[e * bd + j] = static_cast<int32_t>(pos[j]);
        for (int64_t j = static_cast<int64_t>(pos.size()) - 1; j >= 0; --j) {
          if (++pos[j] < ishape[j]) break;
          pos[j] = 0;
        }
      }
      idx = b.Emit("ConcatV2",
                   {b.Const(grid, p + "/batch_grid"), idx, b.ConstInt32({-1}, p + "/axis", true)},
                   {{"T", TypeAttr(i32)}, {"N", ir::Attribute::Int(2)}, {"Tidx", TypeAttr(i32)}},
                   i32, p + "/batched_indices")
                ->output(0);
    }
    b.SetOutput(0, b.Emit("GatherNd", {data, idx},
                          {{"Tparams", TypeAttr(t)}, {"Tindices", TypeAttr(i32)}}, TfDType(t),
                          b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }
};

}  // namespace

void RegisterGatherNd(ConverterTable& t) { t.Add(std::make_unique<GatherNdToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
