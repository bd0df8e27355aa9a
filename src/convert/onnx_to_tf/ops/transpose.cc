// ONNX Transpose (1, 13) -> TF Transpose. For an input the pass keeps NHWC, the NCHW->NHWC
// permutation is composed into perm (one Transpose, as in the ONNX model), and so is the
// NHWC->NCHW one for an output the pass lays out NHWC; an identity result emits nothing.
#include "convert/onnx_to_tf/ops/common.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class TransposeToTf final : public OpConverter {
 public:
  TransposeToTf() : OpConverter("Transpose", 1) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"perm"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() < 0) return Status::Ok();
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> perm, Perm(n, x.rank()));
    std::vector<ir::Dim> dims;
    for (int64_t p : perm) dims.push_back((*x.dims)[p]);
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const int r = b.in_facts(0).rank();
    if (r < 0) return b.Error("input rank is unknown");
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> perm, Perm(n, r));
    const bool in_nhwc = IsChannelsLastRank(r) && b.InputLayout(0) == ValueLayout::kNhwc;
    if (in_nhwc) {
      // The TF input holds NCHW axis to_nhwc[j] at position j; ONNX output axis i is NCHW
      // axis perm[i], found at NHWC position to_nchw[perm[i]] (NDHWC alike).
      const std::vector<int64_t> to_nchw = ToNchwPerm(r);
      for (int64_t& p : perm) p = to_nchw[p];
    }
    if (b.InputLayout(0) == ValueLayout::kShuffle) {
      // A channel shuffle (passes/to_nhwc.h): [N, H, W, g, C/g] -> [N, H, W, C/g, g].
      if (perm != std::vector<int64_t>{0, 2, 1, 3, 4})
        return b.Error("channel shuffle input with a perm other than (0, 2, 1, 3, 4)");
      perm = {0, 1, 2, 4, 3};
    }
    if (IsChannelsLastRank(r) && b.OutputLayout(0) == ValueLayout::kNhwc) {
      // TF output position j holds ONNX output axis to_nhwc[j].
      const std::vector<int64_t> to_nhwc = ToNhwcPerm(r);
      std::vector<int64_t> q(r);
      for (int j = 0; j < r; ++j) q[j] = perm[to_nhwc[j]];
      perm = q;
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x,
                           b.nhwc() ? b.ValueIn(n.input(0), b.InputLayout(0)) : b.Input(0));
    bool identity = true;
    for (int i = 0; i < r; ++i) identity &= perm[i] == i;
    if (identity) {
      b.SetOutput(0, x);
      return Status::Ok();
    }
    const DataType t = b.in_facts(0).dtype;
    b.SetOutput(0, b.Emit("Transpose", {x, b.ConstInt32(perm, n.name() + "/perm")},
                          {{"T", TypeAttr(t)}, {"Tperm", ir::Attribute::Type(DataType::kInt32)}},
                          TfDType(t), b.OutName(0))
                       ->output(0));
    return Status::Ok();
  }

 private:
  static StatusOr<std::vector<int64_t>> Perm(const ir::Node& n, int r) {
    std::vector<int64_t> perm = n.GetInts("perm");
    if (perm.empty())
      for (int i = r - 1; i >= 0; --i) perm.push_back(i);
    std::vector<bool> seen(r, false);
    if (static_cast<int>(perm.size()) != r)
      return InvalidArgument(n.Describe() + ": attribute 'perm' has " +
                             std::to_string(perm.size()) + " entries for rank " +
                             std::to_string(r));
    for (int64_t p : perm) {
      if (p < 0 || p >= r || seen[p])
        return InvalidArgument(n.Describe() + ": attribute 'perm' is not a permutation");
      seen[p] = true;
    }
    return perm;
  }
};

}  // namespace

void RegisterTranspose(ConverterTable& t) { t.Add(std::make_unique<TransposeToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
