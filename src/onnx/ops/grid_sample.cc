// ONNX GridSample (16): samples X [N, C, H, W] at grid [N, Ho, Wo, 2] locations (x, y in
// [-1, 1]) with mode bilinear (default), nearest (round half to even) or bicubic (A = -0.75),
// padding_mode zeros, border or reflection, and align_corners (-1/1 map to corner pixel
// centres when set, to the image edges otherwise). Coordinate handling follows PyTorch's
// grid_sampler_2d, which the spec adopted.
#include <cmath>
#include <string>

#include "onnx/ops/op_util.h"

namespace ferry::onnx::ops {
namespace {

enum class Mode { kBilinear, kNearest, kBicubic };
enum class Padding { kZeros, kBorder, kReflection };

class GridSample final : public Op {
 public:
  explicit GridSample(const NodeInfo& info)
      : align_corners_(info.node().GetInt("align_corners", 0) != 0) {
    const std::string mode = info.node().GetString("mode", "bilinear");
    const std::string pad = info.node().GetString("padding_mode", "zeros");
    if (mode == "nearest")
      mode_ = Mode::kNearest;
    else if (mode == "bicubic")
      mode_ = Mode::kBicubic;
    else if (mode != "bilinear")
      init_status_ = info.Error("mode '" + mode + "' is not supported");
    if (pad == "border")
      padding_ = Padding::kBorder;
    else if (pad == "reflection")
      padding_ = Padding::kReflection;
    else if (pad != "zeros")
      init_status_ = info.Error("padding_mode '" + pad + "' is not supported");
  }

  Status Run(OpContext& ctx) const override {
    FERRY_ASSIGN_OR_RETURN(const Tensor* x, RequiredInput(ctx, 0));
    FERRY_ASSIGN_OR_RETURN(const Tensor* grid, RequiredInput(ctx, 1));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 0, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckDtype(ctx, 1, {DataType::kFloat32}));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 0, 4));
    FERRY_RETURN_IF_ERROR(CheckRank(ctx, 1, 4));
    const int64_t n = x->dim(0), c = x->dim(1), h = x->dim(2), w = x->dim(3);
    const int64_t ho = grid->dim(1), wo = grid->dim(2);
    if (grid->dim(0) != n || grid->dim(3) != 2)
      return ctx.Error("grid has shape " + grid->shape().ToString() + ", expected [" +
                       std::to_string(n) + ", Ho, Wo, 2]");
    FERRY_ASSIGN_OR_RETURN(Tensor * y, ctx.Output(0, DataType::kFloat32, Shape{n, c, ho, wo}));
    const float* gp = grid->data<float>();
    for (int64_t b = 0; b < n; ++b)
      for (int64_t i = 0; i < ho; ++i)
        for (int64_t j = 0; j < wo; ++j) {
          const float* g = gp + ((b * ho + i) * wo + j) * 2;
          const double ix = Unnormalize(g[0], w), iy = Unnormalize(g[1], h);
          for (int64_t ch = 0; ch < c; ++ch) {
            const float* plane = x->data<float>() + (b * c + ch) * h * w;
            y->data<float>()[((b * c + ch) * ho + i) * wo + j] =
                static_cast<float>(Sample(plane, h, w, ix, iy));
          }
        }
    return Status::Ok();
  }

 private:
  double Unnormalize(double g, int64_t size) const {
    return align_corners_ ? (g + 1) / 2 * (size - 1) : ((g + 1) * size - 1) / 2;
  }

  static double Reflect(double v, double twice_low, double twice_high) {
    if (twice_low == twice_high) return 0.0;
    const double lo = twice_low / 2, span = (twice_high - twice_low) / 2;
    v = std::fabs(v - lo);
    const double extra = std::fmod(v, span);
    const int64_t flips = static_cast<int64_t>(std::floor(v / span));
    return flips % 2 == 0 ? extra + lo : span - extra + lo;
  }

  // Border/reflection padding moves the coordinate inside the image (PyTorch's
  // compute_coordinates); zeros padding leaves it and reads 0 outside.
  double Pad(double v, int64_t size) const {
    if (padding_ == Padding::kZeros) return v;
    if (padding_ == Padding::kReflection)
      v = align_corners_ ? Reflect(v, 0, 2.0 * (size - 1)) : Reflect(v, -1, 2.0 * size - 1);
    return std::min<double>(size - 1, std::max(0.0, v));
  }

  static double At(const float* plane, int64_t h, int64_t w, int64_t y, int64_t x) {
    return y < 0 || y >= h || x < 0 || x >= w ? 0.0 : plane[y * w + x];
  }

  double Sample(const float* plane, int64_t h, int64_t w, double ix, double iy) const {
    if (mode_ == Mode::kBicubic) {
      const double x0 = std::floor(ix), y0 = std::floor(iy);
      const double tx = ix - x0, ty = iy - y0;
      auto coeffs = [](double t, double* k) {
        const double a = -0.75;
        auto c1 = [a](double v) { return ((a + 2) * v - (a + 3)) * v * v + 1; };
        auto c2 = [a](double v) { return ((a * v - 5 * a) * v + 8 * a) * v - 4 * a; };
        k[0] = c2(t + 1);
        k[1] = c1(t);
        k[2] = c1(1 - t);
        k[3] = c2(2 - t);
      };
      double kx[4], ky[4];
      coeffs(tx, kx);
      coeffs(ty, ky);
      double acc = 0.0;
      for (int a = 0; a < 4; ++a)
        for (int b = 0; b < 4; ++b) {
          const double py = Pad(y0 - 1 + a, h), px = Pad(x0 - 1 + b, w);
          acc += ky[a] * kx[b] *
                 At(plane, h, w, static_cast<int64_t>(py), static_cast<int64_t>(px));
        }
      return acc;
    }
    ix = Pad(ix, w);
    iy = Pad(iy, h);
    if (mode_ == Mode::kNearest)
      return At(plane, h, w, static_cast<int64_t>(std::nearbyint(iy)),
                static_cast<int64_t>(std::nearbyint(ix)));
    const double x0 = std::floor(ix), y0 = std::floor(iy);
    const double tx = ix - x0, ty = iy - y0;
    const int64_t xi = static_cast<int64_t>(x0), yi = static_cast<int64_t>(y0);
    return (1 - ty) * ((1 - tx) * At(plane, h, w, yi, xi) + tx * At(plane, h, w, yi, xi + 1)) +
           ty * ((1 - tx) * At(plane, h, w, yi + 1, xi) + tx * At(plane, h, w, yi + 1, xi + 1));
  }

  bool align_corners_;
  Mode mode_ = Mode::kBilinear;
  Padding padding_ = Padding::kZeros;
};

}  // namespace

void RegisterGridSample(OpSet& s) { s.Add<GridSample>("GridSample", 16); }

}  // namespace ferry::onnx::ops
