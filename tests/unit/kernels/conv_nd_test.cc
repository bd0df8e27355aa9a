#include "kernels/conv_nd.h"

#include "kernels/reference/conv.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;

TEST(ConvNdTest, TwoDimensionalMatchesReferenceConv2D) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 30; ++iter) {
    ConvParams c;
    c.groups = RandInt(rng, 1, 2);
    c.in_channels = c.groups * RandInt(rng, 1, 3);
    c.out_channels = c.groups * RandInt(rng, 1, 3);
    c.in_h = RandInt(rng, 3, 7);
    c.in_w = RandInt(rng, 3, 7);
    c.kernel_h = RandInt(rng, 1, 3);
    c.kernel_w = RandInt(rng, 1, 3);
    c.stride_h = RandInt(rng, 1, 2);
    c.stride_w = RandInt(rng, 1, 2);
    c.dilation_h = RandInt(rng, 1, 2);
    c.pad_top = c.pad_bottom = RandInt(rng, 0, 1);
    c.pad_left = c.pad_right = RandInt(rng, 0, 1);
    if (!c.Validate().ok()) continue;
    ConvNdParams p;
    p.batch = 1;
    p.in_channels = c.in_channels;
    p.out_channels = c.out_channels;
    p.groups = c.groups;
    p.in = {c.in_h, c.in_w};
    p.kernel = {c.kernel_h, c.kernel_w};
    p.out = {c.out_h(), c.out_w()};
    p.strides = {c.stride_h, c.stride_w};
    p.dilations = {c.dilation_h, c.dilation_w};
    p.pads_begin = {c.pad_top, c.pad_left};
    auto x = RandomFloats(rng, c.in_channels * c.in_h * c.in_w, -1, 1);
    auto w = RandomFloats(rng, c.out_channels * (c.in_channels / c.groups) * c.kernel_h * c.kernel_w,
                          -1, 1);
    auto b = RandomFloats(rng, c.out_channels, -1, 1);
    const int64_t ny = c.out_channels * c.out_h() * c.out_w();
    auto want = Sentinel(ny), got = Sentinel(ny);
    reference::Conv2D(c, x.data(), w.data(), b.data(), want.data());
    ConvNd(p, x.data(), w.data(), b.data(), got.data());
    EXPECT_TRUE(AllClose(got, want, 1e-5f, 1e-5f)) << "ConvNd vs Conv2D, iteration " << iter;
  }
}

// ConvTranspose is the adjoint of Conv: <conv(x), y> == <x, conv_transpose(y)> for the same
// weights, strides, dilations and pads.
TEST(ConvNdTest, TransposeIsTheAdjointOfConvolution) {
  std::mt19937 rng(testing::TestSeed() + 1);
  for (int iter = 0; iter < 30; ++iter) {
    ConvNdParams p;
    p.groups = RandInt(rng, 1, 2);
    p.in_channels = p.groups * RandInt(rng, 1, 2);
    p.out_channels = p.groups * RandInt(rng, 1, 2);
    const int r = static_cast<int>(RandInt(rng, 1, 3));
    bool ok = true;
    for (int d = 0; d < r; ++d) {
      p.in.push_back(RandInt(rng, 3, 6));
      p.kernel.push_back(RandInt(rng, 1, 3));
      p.strides.push_back(RandInt(rng, 1, 2));
      p.dilations.push_back(RandInt(rng, 1, 2));
      p.pads_begin.push_back(RandInt(rng, 0, 1));
      const int64_t span = p.in[d] + 2 * p.pads_begin[d] - p.dilations[d] * (p.kernel[d] - 1) - 1;
      ok = ok && span >= 0;
      p.out.push_back(span / p.strides[d] + 1);
    }
    if (!ok) continue;
    int64_t in_size = 1, out_size = 1, k_size = 1;
    for (int d = 0; d < r; ++d) in_size *= p.in[d], out_size *= p.out[d], k_size *= p.kernel[d];
    auto x = RandomFloats(rng, p.in_channels * in_size, -1, 1);
    auto yv = RandomFloats(rng, p.out_channels * out_size, -1, 1);
    auto w = RandomFloats(rng, p.out_channels * (p.in_channels / p.groups) * k_size, -1, 1);
    std::vector<float> cx(p.out_channels * out_size), ty(p.in_channels * in_size);
    ConvNd(p, x.data(), w.data(), nullptr, cx.data());
    ConvNdParams t = p;  // the transposed problem maps out -> in
    std::swap(t.in, t.out);
    std::swap(t.in_channels, t.out_channels);
    ConvTransposeNd(t, yv.data(), w.data(), nullptr, ty.data());
    double lhs = 0, rhs = 0;
    for (size_t i = 0; i < cx.size(); ++i) lhs += static_cast<double>(cx[i]) * yv[i];
    for (size_t i = 0; i < ty.size(); ++i) rhs += static_cast<double>(x[i]) * ty[i];
    EXPECT_NEAR(lhs, rhs, 1e-3) << "adjoint identity, rank " << r << ", iteration " << iter;
  }
}

}  // namespace
}  // namespace ferry::kernels
