#include "kernels/transform.h"

#include <algorithm>
#include <numeric>

#include "kernels/reference/transform.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::RandInt;
using testing::ShapeStr;

std::vector<int64_t> RandomShape(std::mt19937& rng, int min_rank, int max_rank, int64_t max_dim) {
  std::vector<int64_t> s(RandInt(rng, min_rank, max_rank));
  for (auto& d : s) d = RandInt(rng, 1, max_dim);
  return s;
}

std::vector<int32_t> Iota(int64_t n) {
  std::vector<int32_t> v(n);
  std::iota(v.begin(), v.end(), 0);
  return v;
}

TEST(TransformTest, TransposeMatchesReferenceForEveryElementSize) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 200; ++iter) {
    auto shape = RandomShape(rng, 0, 5, 4);
    std::vector<int> perm(shape.size());
    std::iota(perm.begin(), perm.end(), 0);
    std::shuffle(perm.begin(), perm.end(), rng);
    const size_t es = std::vector<size_t>{1, 2, 4, 8, 3}[RandInt(rng, 0, 4)];
    const int64_t n = reference::NumElements(shape);
    std::vector<uint8_t> x(n * es);
    for (auto& b : x) b = static_cast<uint8_t>(RandInt(rng, 0, 255));
    std::vector<uint8_t> want(n * es, 0xAB), got(n * es, 0xCD);
    reference::Transpose(x.data(), shape, perm, es, want.data());
    Transpose(x.data(), shape, perm, es, got.data());
    std::string p;
    for (int v : perm) p += std::to_string(v) + " ";
    EXPECT_EQ(got, want) << "shape=" << ShapeStr(shape) << " perm=" << p << "elem_size=" << es;
  }
}

TEST(TransformTest, SliceMatchesReferenceWithNegativeSteps) {
  std::mt19937 rng(testing::TestSeed() + 1);
  for (int iter = 0; iter < 200; ++iter) {
    auto shape = RandomShape(rng, 1, 4, 6);
    std::vector<int64_t> starts, steps, out;
    for (int64_t d : shape) {
      int64_t step = RandInt(rng, 1, 3) * (RandInt(rng, 0, 1) ? 1 : -1);
      int64_t start = RandInt(rng, 0, d - 1);
      int64_t max_count =
          step > 0 ? (d - start + step - 1) / step : (start + 1 + (-step) - 1) / (-step);
      starts.push_back(start);
      steps.push_back(step);
      out.push_back(RandInt(rng, 1, max_count));
    }
    auto x = Iota(reference::NumElements(shape));
    const int64_t n = reference::NumElements(out);
    std::vector<int32_t> want(n, -1), got(n, -2);
    reference::Slice(x.data(), shape, starts, steps, out, 4, want.data());
    Slice(x.data(), shape, starts, steps, out, 4, got.data());
    EXPECT_EQ(got, want) << "shape=" << ShapeStr(shape) << " starts=" << ShapeStr(starts)
                         << " steps=" << ShapeStr(steps) << " out=" << ShapeStr(out);
  }
}

TEST(TransformTest, PadConstantMatchesReferenceIncludingCrops) {
  std::mt19937 rng(testing::TestSeed() + 2);
  for (int iter = 0; iter < 200; ++iter) {
    auto shape = RandomShape(rng, 1, 4, 5);
    const size_t r = shape.size();
    std::vector<int64_t> pads(2 * r), out(r);
    for (size_t d = 0; d < r; ++d) {
      pads[d] = RandInt(rng, -1, 2);
      pads[d + r] = RandInt(rng, -1, 2);
      if (shape[d] + pads[d] + pads[d + r] < 0) pads[d] = pads[d + r] = 0;
      out[d] = shape[d] + pads[d] + pads[d + r];
    }
    auto x = Iota(reference::NumElements(shape));
    const int64_t n = reference::NumElements(out);
    const int32_t value = -7;
    std::vector<int32_t> want(n, -1), got(n, -2);
    reference::PadConstant(x.data(), shape, pads, &value, 4, want.data());
    PadConstant(x.data(), shape, pads, &value, 4, got.data());
    EXPECT_EQ(got, want) << "shape=" << ShapeStr(shape) << " pads=" << ShapeStr(pads);
  }
}

TEST(TransformTest, ConcatAndGatherHandComputed) {
  std::vector<int32_t> a = {1, 2, 3, 4}, b = {5, 6};  // [2,2] and [2,1]
  std::vector<int32_t> y(6, -1);
  Concat({a.data(), b.data()}, {{2, 2}, {2, 1}}, 1, 4, y.data());
  EXPECT_EQ(y, (std::vector<int32_t>{1, 2, 5, 3, 4, 6}));
  std::vector<int32_t> x = {10, 11, 12, 20, 21, 22};  // [2,3]
  std::vector<int64_t> idx = {2, -3};
  std::vector<int32_t> g(4, -1);
  ASSERT_TRUE(Gather(x.data(), {2, 3}, idx.data(), 2, 1, 4, g.data()).ok());
  EXPECT_EQ(g, (std::vector<int32_t>{12, 10, 22, 20}));
  std::vector<int64_t> bad = {3};
  EXPECT_FALSE(Gather(x.data(), {2, 3}, bad.data(), 1, 1, 4, g.data()).ok());
}

}  // namespace
}  // namespace ferry::kernels

namespace ferry::kernels {
namespace {

TEST(TransformTest, PadBorderMatchesReference) {
  std::mt19937 rng(testing::TestSeed() + 3);
  for (int iter = 0; iter < 200; ++iter) {
    std::vector<int64_t> shape(testing::RandInt(rng, 1, 3));
    for (auto& d : shape) d = testing::RandInt(rng, 1, 5);
    const PadMode mode = testing::RandInt(rng, 0, 1) ? PadMode::kEdge : PadMode::kReflect;
    const size_t r = shape.size();
    std::vector<int64_t> pads(2 * r), out(r);
    for (size_t d = 0; d < r; ++d) {
      const int64_t max_pad = mode == PadMode::kReflect ? shape[d] - 1 : 3;
      pads[d] = testing::RandInt(rng, 0, max_pad);
      pads[d + r] = testing::RandInt(rng, 0, max_pad);
      out[d] = shape[d] + pads[d] + pads[d + r];
    }
    std::vector<int32_t> x(reference::NumElements(shape));
    for (size_t i = 0; i < x.size(); ++i) x[i] = static_cast<int32_t>(i);
    const int64_t n = reference::NumElements(out);
    std::vector<int32_t> want(n, -1), got(n, -2);
    reference::PadBorder(mode, x.data(), shape, pads, 4, want.data());
    PadBorder(mode, x.data(), shape, pads, 4, got.data());
    EXPECT_EQ(got, want) << "mode=" << static_cast<int>(mode)
                         << " shape=" << testing::ShapeStr(shape)
                         << " pads=" << testing::ShapeStr(pads);
  }
  // numpy.pad([0, 1, 2], 2, 'reflect') == [2, 1, 0, 1, 2, 1, 0].
  std::vector<int32_t> x = {0, 1, 2}, y(7, -1);
  PadBorder(PadMode::kReflect, x.data(), {3}, {2, 2}, 4, y.data());
  EXPECT_EQ(y, (std::vector<int32_t>{2, 1, 0, 1, 2, 1, 0}));
}

}  // namespace
}  // namespace ferry::kernels
