// ONNX Tile (6, 13): repeats the input `repeats[d]` times along every dim d.
#include "kernels/elementwise.h"
#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Tile final : public Op {
 public:
  explicit Tile(const NodeInfo& info) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> repeats, IntValues(ctx, 1));
    const int r = x->rank();
    if (static_cast<int>(repeats.size()) != r)
      return ctx.Error("repeats has " + std::to_string(repeats.size()) +
                       " values for input of shape " + x->shape().ToString());
    // As a broadcast: x viewed as [1, d0, 1, d1, ...] expanded to [r0, d0, r1, d1, ...].
    std::vector<int64_t> view, expanded, out(r);
    for (int d = 0; d < r; ++d) {
      if (repeats[d] < 0) return ctx.Error("repeats must be non-negative");
      view.insert(view.end(), {1, x->dim(d)});
      expanded.insert(expanded.end(), {repeats[d], x->dim(d)});
      out[d] = repeats[d] * x->dim(d);
    }
    if (x->dtype() == DataType::kString)
      return Unimplemented(ctx.node().Describe() + ": string tensors");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out)));
    kernels::BroadcastTo(x->raw_data(), view, SizeOf(x->dtype()), expanded, y->raw_data());
    return Status::Ok();
  }
};

}  // namespace

void RegisterTile(OpSet& s) {
  for (int v : {6, 13}) s.Add<Tile>("Tile", v);
}

}  // namespace ferry::onnx::ops
