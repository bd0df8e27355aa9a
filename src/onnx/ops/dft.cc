// ONNX DFT (17): the discrete Fourier transform along `axis` of a real ([..., 1]) or complex
// ([..., 2]) signal; the output is complex [..., 2]. dft_length pads with zeros or truncates
// the signal; inverse divides by the length (IDFT); onesided keeps the first n/2 + 1
// frequencies (onnx Operators.md, DFT). A direct O(n^2) sum in double precision.
#include <algorithm>
#include <cmath>
#include <numbers>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Dft final : public Op {
 public:
  explicit Dft(const NodeInfo& info)
      : axis_(info.node().GetInt("axis", 1)),
        inverse_(info.node().GetInt("inverse", 0) != 0),
        onesided_(info.node().GetInt("onesided", 0) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    const int rank = x->rank();
    if (rank < 2 || (x->dim(rank - 1) != 1 && x->dim(rank - 1) != 2))
      return ctx.Error("input 0 " + x->DebugString() + " must end in a dim of 1 (real) or 2");
    // The last dim holds the real/imaginary parts, so the signal axes are those before it.
    FERRY_ASSIGN_OR_RETURN(int axis, NormalizeAxis(axis_, rank - 1, ctx.node().Describe()));
    const int64_t in_n = x->dim(axis);
    int64_t n = in_n;
    if (ctx.has_input(1)) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> len, IntValues(ctx, 1));
      if (len.size() != 1 || len[0] <= 0) return ctx.Error("dft_length must be one positive value");
      n = len[0];
    }
    const int64_t out_n = onesided_ ? n / 2 + 1 : n;
    const bool complex = x->dim(rank - 1) == 2;
    int64_t outer = 1, inner = 1;
    for (int d = 0; d < axis; ++d) outer *= x->dim(d);
    for (int d = axis + 1; d < rank - 1; ++d) inner *= x->dim(d);
    std::vector<int64_t> out_dims = x->shape().dims();
    out_dims[axis] = out_n;
    out_dims[rank - 1] = 2;
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, x->dtype(), Shape(out_dims)));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* in = x->data<T>();
      T* out = y->data<T>();
      const int64_t parts = complex ? 2 : 1;
      const double sign = inverse_ ? 1.0 : -1.0;
      for (int64_t o = 0; o < outer; ++o)
        for (int64_t i = 0; i < inner; ++i)
          for (int64_t k = 0; k < out_n; ++k) {
            double re = 0, im = 0;
            for (int64_t t = 0; t < std::min(n, in_n); ++t) {
              const int64_t at = ((o * in_n + t) * inner + i) * parts;
              const double xr = in[at], xi = complex ? in[at + 1] : 0.0;
              const double angle = sign * 2 * std::numbers::pi * static_cast<double>((k * t) % n) /
                                   static_cast<double>(n);
              re += xr * std::cos(angle) - xi * std::sin(angle);
              im += xr * std::sin(angle) + xi * std::cos(angle);
            }
            if (inverse_) {
              re /= static_cast<double>(n);
              im /= static_cast<double>(n);
            }
            const int64_t at = ((o * out_n + k) * inner + i) * 2;
            out[at] = static_cast<T>(re);
            out[at + 1] = static_cast<T>(im);
          }
      return Status::Ok();
    });
  }

 private:
  int64_t axis_;
  bool inverse_, onesided_;
};

}  // namespace

void RegisterDFT(OpSet& s) { s.Add<Dft>("DFT", 17); }

}  // namespace ferry::onnx::ops
