#include "kernels/resize.h"

#include <cmath>

#include "test_util.h"

namespace ferry::kernels {
namespace {

TEST(ResizeTest, CubicCoefficientsSumToOneAndInterpolateIntegers) {
  ResizeParams p;
  p.mode = ResizeMode::kCubic;
  for (double a : {-0.5, -0.75}) {
    p.cubic_a = a;
    for (double r : {0.1, 0.25, 0.5, 0.9, 1.0}) {
      const std::vector<double> c = ResizeCoefficients(p, r);
      ASSERT_EQ(c.size(), 4u);
      EXPECT_NEAR(c[0] + c[1] + c[2] + c[3], 1.0, 1e-12) << "cubic a=" << a << " ratio=" << r;
    }
    const std::vector<double> at1 = ResizeCoefficients(p, 1.0);
    EXPECT_NEAR(at1[2], 1.0, 1e-12) << "an integer source coordinate picks its own point";
  }
}

TEST(ResizeTest, CubicReproducesLinearData) {
  // Keys' kernel reproduces linear functions away from the edges.
  ResizeParams p;
  p.mode = ResizeMode::kCubic;
  p.coord = ResizeCoord::kAsymmetric;
  p.scales = {2.0};
  std::vector<float> x = {0, 1, 2, 3, 4, 5, 6, 7}, y(16);
  Resize<float>(p, x.data(), {8}, {16}, y.data());
  for (int i = 2; i < 12; ++i) EXPECT_NEAR(y[i], i / 2.0f, 1e-5f) << "output " << i;
}

TEST(ResizeTest, TfCropAndResizeExtrapolates) {
  ResizeParams p;
  p.mode = ResizeMode::kLinear;
  p.coord = ResizeCoord::kTfCropAndResize;
  p.extrapolation_value = -1.0;
  p.scales = {1.0};
  p.roi = {0.5, 1.5};  // source coordinates 1.5 .. 4.5 over 4 points
  std::vector<float> x = {0, 10, 20, 30}, y(3);
  Resize<float>(p, x.data(), {4}, {3}, y.data());
  EXPECT_NEAR(y[0], 15.0f, 1e-5f) << "inside the input";
  EXPECT_EQ(y[2], -1.0f) << "outside the input gives extrapolation_value";
}

}  // namespace
}  // namespace ferry::kernels
