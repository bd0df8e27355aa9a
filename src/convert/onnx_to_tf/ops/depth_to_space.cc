// ONNX DepthToSpace (1, 11, 13) with blocksize, mode (DCR / CRD) and SpaceToDepth (1, 13)
// -> Reshape, Transpose, Reshape in ONNX's layout (the 6-D rearrangements of the ONNX spec).
// TF's own DepthToSpace covers only DCR, and TF.js has no SpaceToDepth, so one lowering
// serves all three. Needs a static 4-D shape.
#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class DepthSpaceToTf final : public OpConverter {
 public:
  DepthSpaceToTf(const std::string& op, int since) : OpConverter(op, since) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override {
    if (op_type() == "DepthToSpace") return {"blocksize", "mode"};
    return {"blocksize"};
  }
  bool to_space() const { return op_type() == "DepthToSpace"; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    if (x.rank() != 4) return Status::Ok();
    const int64_t bs = n.GetInt("blocksize", 1);
    if (bs <= 0) return ctx.Error("attribute 'blocksize' must be positive");
    std::vector<ir::Dim> d = *x.dims;
    auto scale = [](const ir::Dim& v, int64_t mul, int64_t div) {
      return v.known() ? ir::Dim::Known(v.value * mul / div) : ir::Dim{};
    };
    if (to_space()) {
      d = {d[0], scale(d[1], 1, bs * bs), scale(d[2], bs, 1), scale(d[3], bs, 1)};
    } else {
      d = {d[0], scale(d[1], bs * bs, 1), scale(d[2], 1, bs), scale(d[3], 1, bs)};
    }
    ctx.out(0).dims = d;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    if (xf.rank() != 4 || !xf.IsStatic()) return b.Error("input 0 needs a static 4-D shape");
    const std::vector<int64_t> d = xf.StaticDims();
    const int64_t N = d[0], C = d[1], H = d[2], W = d[3];
    const int64_t bs = n.GetInt("blocksize", 1);
    const DataType t = xf.dtype;
    std::vector<int64_t> six, perm, out;
    if (to_space()) {
      if (C % (bs * bs) != 0) return b.Error("channels are not a multiple of blocksize^2");
      const std::string mode = n.GetString("mode", "DCR");
      if (mode == "DCR") {
        six = {N, bs, bs, C / (bs * bs), H, W};
        perm = {0, 3, 4, 1, 5, 2};
      } else if (mode == "CRD") {
        six = {N, C / (bs * bs), bs, bs, H, W};
        perm = {0, 1, 4, 2, 5, 3};
      } else {
        return b.Unsupported("mode", "'" + mode + "' is neither DCR nor CRD");
      }
      out = {N, C / (bs * bs), H * bs, W * bs};
    } else {
      if (H % bs != 0 || W % bs != 0) return b.Error("spatial dims are not multiples of blocksize");
      six = {N, C, H / bs, bs, W / bs, bs};
      perm = {0, 3, 5, 1, 2, 4};
      out = {N, C * bs * bs, H / bs, W / bs};
    }
    const std::string& p = n.name();
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    x = EmitReshape(b, x, t, six, p + "/blocks");
    x = EmitTranspose(b, x, t, perm, p + "/moved");
    b.SetOutput(0, EmitReshape(b, x, t, out, b.OutName(0)));
    return Status::Ok();
  }
};

}  // namespace

void RegisterDepthToSpace(ConverterTable& t) {
  t.Add(std::make_unique<DepthSpaceToTf>("DepthToSpace", 1));
  t.Add(std::make_unique<DepthSpaceToTf>("SpaceToDepth", 1));
}

}  // namespace ferry::convert::onnx_to_tf::ops
