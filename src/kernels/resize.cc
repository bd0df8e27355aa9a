// Resize: per dim and output coordinate, a short list of (input offset, weight) pairs with
// zero weights dropped (nearest keeps one), then every output element sums the product over
// dims. The neighbour choice and coefficients follow the ONNX reference implementation
// (onnx/backend/test/case/node/resize.py): the n input points closest to the source
// coordinate, edge-padded, and exclude_outside renormalising over in-range points.
#include "kernels/resize.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <type_traits>

namespace ferry::kernels {

double ResizeSourceCoordinate(const ResizeParams& p, int dim, int64_t out, int64_t in_len,
                              int64_t out_len) {
  const double x = static_cast<double>(out), s = p.scales[dim];
  // The spec's reference uses the unrounded output length scale * in_len here (not out_len)
  // for align_corners and pytorch_half_pixel; only tf_crop_and_resize uses the integer one.
  const double out_width = s * static_cast<double>(in_len);
  switch (p.coord) {
    case ResizeCoord::kHalfPixel:
      return (x + 0.5) / s - 0.5;
    case ResizeCoord::kPytorchHalfPixel:
      return out_width > 1 ? (x + 0.5) / s - 0.5 : 0.0;
    case ResizeCoord::kAlignCorners:
      return out_width == 1 ? 0.0 : x * (in_len - 1) / (out_width - 1);
    case ResizeCoord::kAsymmetric:
      return x / s;
    case ResizeCoord::kTfHalfPixelForNn:
      return (x + 0.5) / s;
    case ResizeCoord::kTfCropAndResize: {
      const int r = static_cast<int>(p.roi.size() / 2);
      const double start = p.roi[dim], end = p.roi[r + dim];
      return out_len > 1 ? start * (in_len - 1) + x * (end - start) * (in_len - 1) / (out_len - 1)
                         : 0.5 * (start + end) * (in_len - 1);
    }
  }
  return 0.0;
}

std::vector<double> ResizeCoefficients(const ResizeParams& p, double ratio) {
  switch (p.mode) {
    case ResizeMode::kNearest: {
      if (ratio == 1.0) return {0.0, 1.0};
      bool ceil = false;
      switch (p.nearest) {
        case NearestMode::kRoundPreferFloor:
          ceil = ratio > 0.5;
          break;
        case NearestMode::kRoundPreferCeil:
          ceil = ratio >= 0.5;
          break;
        case NearestMode::kFloor:
          ceil = false;
          break;
        case NearestMode::kCeil:
          ceil = true;
          break;
      }
      return {ceil ? 0.0 : 1.0, ceil ? 1.0 : 0.0};
    }
    case ResizeMode::kLinear:
      return {1.0 - ratio, ratio};
    case ResizeMode::kCubic: {
      // Keys' cubic convolution kernel with parameter A at distances 1 + r, r, 1 - r, 2 - r.
      const double a = p.cubic_a, r = ratio, q = 1.0 - ratio;
      return {((a * (r + 1) - 5 * a) * (r + 1) + 8 * a) * (r + 1) - 4 * a,
              ((a + 2) * r - (a + 3)) * r * r + 1, ((a + 2) * q - (a + 3)) * q * q + 1,
              ((a * (q + 1) - 5 * a) * (q + 1) + 8 * a) * (q + 1) - 4 * a};
    }
  }
  return {};
}

namespace {

struct Tap {
  int64_t offset;  // input index times the dim's stride
  double weight;
};

// Taps of one output coordinate; empty with *outside set when tf_crop_and_resize falls off.
std::vector<Tap> Taps(const ResizeParams& p, int dim, int64_t out, int64_t in_len,
                      int64_t out_len, int64_t stride, bool* outside) {
  const double xo = ResizeSourceCoordinate(p, dim, out, in_len, out_len);
  *outside = p.coord == ResizeCoord::kTfCropAndResize && (xo < 0.0 || xo > in_len - 1);
  if (*outside) return {};
  const double fl = std::floor(xo);
  const bool integral = xo == fl;
  const double ratio = integral ? 1.0 : xo - fl;
  std::vector<double> c = ResizeCoefficients(p, ratio);
  const int n = static_cast<int>(c.size());
  // The n closest points, ties to the lower index: [i0 - n/2 + 1, i0 + n/2].
  const int64_t i0 = static_cast<int64_t>(fl) - (integral ? 1 : 0);
  const int64_t first = i0 - n / 2 + 1;
  if (p.exclude_outside) {
    double sum = 0.0;
    for (int k = 0; k < n; ++k) {
      const int64_t i = first + k;
      if (i < 0 || i >= in_len) c[k] = 0.0;
      sum += c[k];
    }
    for (double& w : c) w /= sum;
  }
  std::vector<Tap> taps;
  for (int k = 0; k < n; ++k) {
    if (c[k] == 0.0) continue;
    const int64_t i = std::min<int64_t>(std::max<int64_t>(first + k, 0), in_len - 1);
    taps.push_back({i * stride, c[k]});
  }
  return taps;
}

}  // namespace

template <typename T>
void Resize(const ResizeParams& p, const T* x, const std::vector<int64_t>& x_shape,
            const std::vector<int64_t>& y_shape, T* y) {
  const int r = static_cast<int>(x_shape.size());
  std::vector<int64_t> stride(r, 1);
  for (int d = r - 2; d >= 0; --d) stride[d] = stride[d + 1] * x_shape[d + 1];
  std::vector<std::vector<std::vector<Tap>>> taps(r);
  std::vector<std::vector<char>> outside(r);
  int64_t ny = 1;
  for (int d = 0; d < r; ++d) {
    ny *= y_shape[d];
    taps[d].resize(y_shape[d]);
    outside[d].resize(y_shape[d]);
    for (int64_t o = 0; o < y_shape[d]; ++o) {
      bool out = false;
      taps[d][o] = Taps(p, d, o, x_shape[d], y_shape[d], stride[d], &out);
      outside[d][o] = out;
    }
  }
  std::vector<int64_t> idx(r, 0);
  // Weighted sum over the cartesian product of the dims' taps, depth first.
  auto sum = [&](auto&& self, int d, int64_t off) -> double {
    if (d == r) return static_cast<double>(x[off]);
    double acc = 0.0;
    for (const Tap& t : taps[d][idx[d]]) acc += t.weight * self(self, d + 1, off + t.offset);
    return acc;
  };
  for (int64_t i = 0; i < ny; ++i) {
    bool out = false;
    for (int d = 0; d < r; ++d) out = out || outside[d][idx[d]];
    double v = out ? p.extrapolation_value : sum(sum, 0, 0);
    if constexpr (std::is_integral_v<T>) v = std::nearbyint(v);
    y[i] = static_cast<T>(v);
    for (int d = r - 1; d >= 0; --d) {
      if (++idx[d] < y_shape[d]) break;
      idx[d] = 0;
    }
  }
}

template void Resize<float>(const ResizeParams&, const float*, const std::vector<int64_t>&,
                            const std::vector<int64_t>&, float*);
template void Resize<double>(const ResizeParams&, const double*, const std::vector<int64_t>&,
                             const std::vector<int64_t>&, double*);
template void Resize<int8_t>(const ResizeParams&, const int8_t*, const std::vector<int64_t>&,
                             const std::vector<int64_t>&, int8_t*);
template void Resize<uint8_t>(const ResizeParams&, const uint8_t*, const std::vector<int64_t>&,
                              const std::vector<int64_t>&, uint8_t*);
template void Resize<int32_t>(const ResizeParams&, const int32_t*, const std::vector<int64_t>&,
                              const std::vector<int64_t>&, int32_t*);
template void Resize<int64_t>(const ResizeParams&, const int64_t*, const std::vector<int64_t>&,
                              const std::vector<int64_t>&, int64_t*);

}  // namespace ferry::kernels
