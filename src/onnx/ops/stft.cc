// ONNX STFT (17): the short-time Fourier transform of signal [batch, length, 1 or 2]: frames of
// frame_length samples every frame_step samples, each multiplied by `window` and transformed;
// output [batch, frames, bins, 2] with bins = frame_length / 2 + 1 when onesided (the default),
// frame_length otherwise (onnx Operators.md, STFT). A direct DFT in double precision.
#include <cmath>
#include <numbers>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

class Stft final : public Op {
 public:
  explicit Stft(const NodeInfo& info) : onesided_(info.node().GetInt("onesided", 1) != 0) {}

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    if (x->rank() != 3 || (x->dim(2) != 1 && x->dim(2) != 2))
      return ctx.Error("signal " + x->DebugString() + " must be [batch, length, 1 or 2]");
    FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> step, IntValues(ctx, 1));
    if (step.size() != 1 || step[0] <= 0) return ctx.Error("frame_step must be one positive value");
    const Tensor* window = ctx.input(2);
    int64_t frame = window ? window->NumElements() : 0;
    if (ctx.has_input(3)) {
      FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> len, IntValues(ctx, 3));
      if (len.size() != 1) return ctx.Error("frame_length must be a scalar");
      frame = len[0];
    }
    const int64_t length = x->dim(1);
    if (frame <= 0 || frame > length || (window && window->NumElements() != frame))
      return ctx.Error("frame_length " + std::to_string(frame) + " and window do not fit a signal of " +
                       std::to_string(length));
    const int64_t frames = (length - frame) / step[0] + 1;
    const int64_t bins = onesided_ ? frame / 2 + 1 : frame;
    const int64_t batch = x->dim(0), parts = x->dim(2);
    FERRY_ASSIGN_OR_RETURN(Tensor * y,
                           ctx.Output(0, x->dtype(), Shape{batch, frames, bins, 2}));
    return Dispatch<Types::kFloat>(ctx, x->dtype(), [&](auto tag) -> Status {
      using T = decltype(tag);
      const T* in = x->data<T>();
      T* out = y->data<T>();
      for (int64_t b = 0; b < batch; ++b)
        for (int64_t f = 0; f < frames; ++f)
          for (int64_t k = 0; k < bins; ++k) {
            double re = 0, im = 0;
            for (int64_t t = 0; t < frame; ++t) {
              const int64_t at = (b * length + f * step[0] + t) * parts;
              const double w = window ? window->GetAsDouble(t) : 1.0;
              const double xr = in[at] * w, xi = parts == 2 ? in[at + 1] * w : 0.0;
              const double angle =
                  -2 * std::numbers::pi * static_cast<double>((k * t) % frame) / frame;
              re += xr * std::cos(angle) - xi * std::sin(angle);
              im += xr * std::sin(angle) + xi * std::cos(angle);
            }
            const int64_t at = ((b * frames + f) * bins + k) * 2;
            out[at] = static_cast<T>(re);
            out[at + 1] = static_cast<T>(im);
          }
      return Status::Ok();
    });
  }

 private:
  bool onesided_;
};

}  // namespace

void RegisterSTFT(OpSet& s) { s.Add<Stft>("STFT", 17); }

}  // namespace ferry::onnx::ops
