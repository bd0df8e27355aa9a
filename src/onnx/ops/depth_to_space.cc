// ONNX DepthToSpace (1, 11, 13: mode DCR default, or CRD) and SpaceToDepth (1, 13) on NCHW
// data: a reshape to 6-D, a transpose and a reshape back (the spec's own definition).
#include "kernels/transform.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

template <bool kToSpace>
class DepthSpace final : public Op {
 public:
  explicit DepthSpace(const NodeInfo& info) : block_(info.node().GetInt("blocksize", 0)) {
    if (block_ <= 0) init_status_ = info.Error("attribute blocksize must be positive");
    const std::string mode = info.node().GetString("mode", "DCR");
    crd_ = mode == "CRD";
    if (!crd_ && mode != "DCR") init_status_ = info.Error("mode '" + mode + "' is not DCR or CRD");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 4));
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    const int64_t n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3), b = block_;
    std::vector<int64_t> six, out;
    std::vector<int> perm;
    if (kToSpace) {
      if (c % (b * b) != 0)
        return ctx.Error("channels " + std::to_string(c) + " not divisible by blocksize^2");
      const int64_t cc = c / (b * b);
      if (crd_) {
        six = {n, cc, b, b, h, w};
        perm = {0, 1, 4, 2, 5, 3};
      } else {
        six = {n, b, b, cc, h, w};
        perm = {0, 3, 4, 1, 5, 2};
      }
      out = {n, cc, h * b, w * b};
    } else {
      if (h % b != 0 || w % b != 0)
        return ctx.Error("spatial dims of " + x->shape().ToString() +
                         " not divisible by blocksize");
      six = {n, c, h / b, b, w / b, b};
      perm = {0, 3, 5, 1, 2, 4};
      out = {n, c * b * b, h / b, w / b};
    }
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    kernels::Transpose(x->raw_data(), six, perm, SizeOf(x->dtype()), y->raw_data());
    return Status::Ok();
  }

 private:
  int64_t block_;
  bool crd_ = false;
};

}  // namespace

void RegisterDepthToSpace(OpSet& s) {
  for (int v : {1, 11, 13}) s.Add<DepthSpace<true>>("DepthToSpace", v);
}
void RegisterSpaceToDepth(OpSet& s) {
  for (int v : {1, 13}) s.Add<DepthSpace<false>>("SpaceToDepth", v);
}

}  // namespace ferry::onnx::ops
