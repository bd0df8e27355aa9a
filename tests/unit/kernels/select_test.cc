#include "kernels/select.h"

#include "kernels/reference/select.h"
#include "test_util.h"

namespace ferry::kernels {
namespace {

using testing::AllClose;
using testing::RandInt;
using testing::RandomFloats;
using testing::Sentinel;
using testing::ShapeStr;

TEST(SelectTest, GatherScatterElementsMatchReference) {
  std::mt19937 rng(testing::TestSeed());
  for (int iter = 0; iter < 100; ++iter) {
    const int rank = static_cast<int>(RandInt(rng, 1, 4));
    std::vector<int64_t> xs(rank), is(rank);
    for (int d = 0; d < rank; ++d) {
      xs[d] = RandInt(rng, 1, 4);
      is[d] = RandInt(rng, 1, xs[d]);
    }
    const int axis = static_cast<int>(RandInt(rng, 0, rank - 1));
    is[axis] = RandInt(rng, 1, 5);
    const int64_t ni = reference::NumElements(is), nx = reference::NumElements(xs);
    std::vector<int64_t> idx(ni);
    for (auto& v : idx) v = RandInt(rng, -xs[axis], xs[axis] - 1);
    auto x = RandomFloats(rng, nx, -1.0f, 1.0f);
    auto want = Sentinel(ni), got = Sentinel(ni);
    reference::GatherElements(x.data(), xs, idx.data(), is, axis, want.data());
    ASSERT_TRUE(GatherElements(x.data(), xs, idx.data(), is, axis, sizeof(float), got.data()).ok());
    EXPECT_TRUE(AllClose(got, want, 0.0f, 0.0f))
        << "GatherElements x=" << ShapeStr(xs) << " indices=" << ShapeStr(is) << " axis=" << axis;
    // Scatter with unique indices along the axis: a permutation slice of the axis.
    if (is[axis] > xs[axis]) continue;
    for (int64_t j = 0; j < ni; ++j) idx[j] = (j / reference::Strides(is)[axis]) % is[axis];
    auto upd = RandomFloats(rng, ni, -1.0f, 1.0f);
    auto swant = x, sgot = x;
    reference::ScatterElements(idx.data(), is, upd.data(), axis, xs, swant.data());
    ASSERT_TRUE(
        ScatterElements(idx.data(), is, upd.data(), axis, xs, sizeof(float), sgot.data()).ok());
    EXPECT_TRUE(AllClose(sgot, swant, 0.0f, 0.0f))
        << "ScatterElements y=" << ShapeStr(xs) << " indices=" << ShapeStr(is);
  }
}

TEST(SelectTest, TriluMatchesReference) {
  std::mt19937 rng(testing::TestSeed() + 1);
  for (int iter = 0; iter < 50; ++iter) {
    const int64_t b = RandInt(rng, 1, 3), r = RandInt(rng, 1, 5), c = RandInt(rng, 1, 5);
    const int64_t k = RandInt(rng, -6, 6);
    const bool upper = RandInt(rng, 0, 1) == 1;
    auto x = RandomFloats(rng, b * r * c, -1.0f, 1.0f);
    auto want = Sentinel(b * r * c), got = Sentinel(b * r * c);
    reference::Trilu(x.data(), b, r, c, k, upper, want.data());
    Trilu(x.data(), b, r, c, k, upper, sizeof(float), got.data());
    EXPECT_TRUE(AllClose(got, want, 0.0f, 0.0f))
        << "Trilu rows=" << r << " cols=" << c << " k=" << k << " upper=" << upper;
  }
}

}  // namespace
}  // namespace ferry::kernels
