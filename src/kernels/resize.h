// N-D resampling for ONNX Resize (10, 11, 13) and Upsample (7, 9): nearest, n-linear and
// cubic, separable per dim, with every coordinate transformation mode of Resize-13.
// Oracle: reference/resize.h (the spec's recursive 1-D formulation).
#pragma once

#include <cstdint>
#include <vector>

namespace ferry::kernels {

enum class ResizeMode { kNearest, kLinear, kCubic };
enum class ResizeCoord {
  kHalfPixel,
  kPytorchHalfPixel,
  kAlignCorners,
  kAsymmetric,
  kTfHalfPixelForNn,
  kTfCropAndResize,
};
enum class NearestMode { kRoundPreferFloor, kRoundPreferCeil, kFloor, kCeil };

struct ResizeParams {
  ResizeMode mode = ResizeMode::kNearest;
  ResizeCoord coord = ResizeCoord::kHalfPixel;
  NearestMode nearest = NearestMode::kRoundPreferFloor;
  double cubic_a = -0.75;
  bool exclude_outside = false;
  double extrapolation_value = 0.0;
  std::vector<double> scales;  // one per dim: output / input
  std::vector<double> roi;     // tf_crop_and_resize: [starts..., ends...] normalised
};

// Input coordinate of output coordinate `out` along a dim of input length `in_len` and
// output length `out_len` (ONNX Resize-13 coordinate_transformation_mode).
double ResizeSourceCoordinate(const ResizeParams& p, int dim, int64_t out, int64_t in_len,
                              int64_t out_len);

// The interpolation coefficients over the n neighbours (n = 2 nearest/linear, 4 cubic) of a
// source coordinate whose fractional part is ratio, in (0, 1] (1 for integers).
std::vector<double> ResizeCoefficients(const ResizeParams& p, double ratio);

template <typename T>
void Resize(const ResizeParams& p, const T* x, const std::vector<int64_t>& x_shape,
            const std::vector<int64_t>& y_shape, T* y);

}  // namespace ferry::kernels
