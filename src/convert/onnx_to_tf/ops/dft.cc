// ONNX DFT (17) with static shapes -> one TF MatMul by a constant matrix. The signal axis
// moves next to the trailing real/imaginary dim (Transpose), [P..., N, C] is flattened to
// [M, N * C], and W [N * C, 2K] maps sample (n, re/im) to [Re Y(0..K-1), Im Y(0..K-1)]:
//   forward  Y(k) = sum_n x(n) e^(-2 pi i k n / L),  inverse (1/L) sum_n x(n) e^(+2 pi i k n / L)
// with L = dft_length (a constant; samples n >= L are dropped, missing ones are the zero
// padding) and K = L, or L / 2 + 1 when onesided. The cos/sin entries are computed in double
// and stored as float32; the sum runs in float32 (ferry's runtime sums in double, so results
// agree to float32 rounding, not bit for bit). [M, 2K] -> [M, 2, K] -> [M, K, 2] and back to
// the input's axis order.
#include <cmath>
#include <numbers>
#include <numeric>

#include "convert/onnx_to_tf/ops/emit.h"

namespace ferry::convert::onnx_to_tf::ops {
namespace {

class DftToTf final : public OpConverter {
 public:
  DftToTf() : OpConverter("DFT", 17) {}
  Layout layout() const override { return Layout::kNchwOnly; }
  std::vector<std::string> attributes() const override { return {"axis", "inverse", "onesided"}; }

  Status Infer(const ir::Node& n, InferContext& ctx) const override {
    const ValueFacts& x = ctx.in(0);
    ctx.out(0).dtype = x.dtype;
    auto p = Params(n, x, [&](int i) { return &ctx.in(i); });
    if (!p.ok()) return Status::Ok();
    std::vector<ir::Dim> dims = *x.dims;
    dims[p->axis] = ir::Dim::Known(p->k);
    dims.back() = ir::Dim::Known(2);
    ctx.out(0).dims = dims;
    return Status::Ok();
  }

  Status Convert(const ir::Node& n, TfBuilder& b) const override {
    const ValueFacts& xf = b.in_facts(0);
    if (xf.dtype != DataType::kFloat32) return b.Error("only float32 converts to TF");
    FERRY_ASSIGN_OR_RETURN(P p, Params(n, xf, [&](int i) { return &b.in_facts(i); }));
    const std::vector<int64_t> d = xf.StaticDims();
    const int r = static_cast<int>(d.size());
    const int64_t c = d[r - 1], nn = d[p.axis];
    const DataType f = DataType::kFloat32;
    const std::string pre = n.name();
    // perm: every dim but axis and the last, then axis, then the last.
    std::vector<int64_t> perm;
    for (int i = 0; i < r - 1; ++i)
      if (i != p.axis) perm.push_back(i);
    perm.push_back(p.axis);
    perm.push_back(r - 1);
    int64_t m = 1;
    std::vector<int64_t> outer;
    for (int i = 0; i < r - 2; ++i) {
      m *= d[perm[i]];
      outer.push_back(d[perm[i]]);
    }
    FERRY_ASSIGN_OR_RETURN(ir::Value * x, b.Input(0));
    if (p.axis != r - 2) x = EmitTranspose(b, x, f, perm, pre + "/signal_last");
    x = EmitReshape(b, x, f, {m, nn * c}, pre + "/rows");
    // W [N * C, 2K].
    Tensor w(f, Shape{nn * c, 2 * p.k});
    float* wp = w.data<float>();
    std::fill(wp, wp + w.NumElements(), 0.f);
    const double sign = p.inverse ? 1.0 : -1.0, scale = p.inverse ? 1.0 / p.len : 1.0;
    for (int64_t s = 0; s < std::min(nn, p.len); ++s)
      for (int64_t k = 0; k < p.k; ++k) {
        const double a = 2.0 * std::numbers::pi * static_cast<double>((k * s) % p.len) / p.len;
        const double co = std::cos(a) * scale, si = sign * std::sin(a) * scale;
        // (xr + i xi)(co + i si) = (xr co - xi si) + i (xr si + xi co)
        wp[(s * c) * 2 * p.k + k] = static_cast<float>(co);
        wp[(s * c) * 2 * p.k + p.k + k] = static_cast<float>(si);
        if (c == 2) {
          wp[(s * c + 1) * 2 * p.k + k] = static_cast<float>(-si);
          wp[(s * c + 1) * 2 * p.k + p.k + k] = static_cast<float>(co);
        }
      }
    ir::Value* y = b.Emit("MatMul", {x, b.Const(w, pre + "/dft_matrix")},
                          {{"T", TypeAttr(f)},
                           {"transpose_a", ir::Attribute::Bool(false)},
                           {"transpose_b", ir::Attribute::Bool(false)}},
                          f, pre + "/product")
                      ->output(0);
    y = EmitReshape(b, y, f, {m, 2, p.k}, pre + "/re_im");
    y = EmitTranspose(b, y, f, {0, 2, 1}, pre + "/interleaved");
    std::vector<int64_t> shape = outer;
    shape.push_back(p.k);
    shape.push_back(2);
    const bool moved = p.axis != r - 2;
    y = EmitReshape(b, y, f, shape, moved ? pre + "/unflattened" : b.OutName(0));
    if (moved) {
      std::vector<int64_t> back(r);
      for (int i = 0; i < r; ++i) back[perm[i]] = i;
      y = EmitTranspose(b, y, f, back, b.OutName(0));
    }
    b.SetOutput(0, y);
    return Status::Ok();
  }

 private:
  struct P {
    int axis = 1;
    int64_t len = 0, k = 0;
    bool inverse = false;
  };
  template <typename FactsOf>
  static StatusOr<P> Params(const ir::Node& n, const ValueFacts& x, FactsOf facts_of) {
    const std::vector<int64_t> d = x.StaticDims();
    const int r = static_cast<int>(d.size());
    if (r < 3) return InvalidArgument(n.Describe() + ": input 0 needs a static shape of rank >= 3");
    for (int64_t v : d)
      if (v < 0) return InvalidArgument(n.Describe() + ": input 0 needs a static shape");
    if (d[r - 1] != 1 && d[r - 1] != 2)
      return InvalidArgument(n.Describe() + ": input 0 must end in a dim of 1 or 2");
    P p;
    int64_t axis = n.GetInt("axis", 1);
    if (axis < -(r - 1) || axis >= r - 1)
      return InvalidArgument(n.Describe() + ": attribute 'axis' " + std::to_string(axis) +
                             " is out of range");
    p.axis = static_cast<int>(axis < 0 ? axis + r - 1 : axis);
    p.len = d[p.axis];
    if (n.num_inputs() > 1 && n.input(1)) {
      const ValueFacts* l = facts_of(1);
      if (!l || !l->constant || l->constant->NumElements() != 1)
        return InvalidArgument(n.Describe() + ": dft_length (input 1) must be known at convert time");
      p.len = l->constant->GetAsInt64(0);
      if (p.len <= 0) return InvalidArgument(n.Describe() + ": dft_length must be positive");
    }
    p.inverse = n.GetInt("inverse", 0) != 0;
    p.k = n.GetInt("onesided", 0) != 0 ? p.len / 2 + 1 : p.len;
    return p;
  }
};

}  // namespace

void RegisterDft(ConverterTable& t) { t.Add(std::make_unique<DftToTf>()); }

}  // namespace ferry::convert::onnx_to_tf::ops
