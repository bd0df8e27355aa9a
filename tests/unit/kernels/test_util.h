// Shared by the kernel tests: a replayable seed, random data, NaN-sentinel buffers and a
// closeness check that reports the first mismatch with its index.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace ferry::kernels::testing {

// FERRY_TEST_SEED=<n> replays a run; otherwise a fresh seed, printed.
inline uint32_t TestSeed() {
  static const uint32_t seed = [] {
    if (const char* env = std::getenv("FERRY_TEST_SEED"))
      return static_cast<uint32_t>(std::atoll(env));
    return static_cast<uint32_t>(std::random_device{}());
  }();
  std::cout << "[ seed ] FERRY_TEST_SEED=" << seed << "\n";
  return seed;
}

inline std::vector<float> RandomFloats(std::mt19937& rng, int64_t n, float lo = -1.0f,
                                       float hi = 1.0f) {
  std::uniform_real_distribution<float> dist(lo, hi);
  std::vector<float> v(n);
  for (auto& x : v) x = dist(rng);
  return v;
}

inline int64_t RandInt(std::mt19937& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// An output buffer pre-filled with NaN so unwritten elements fail the comparison.
inline std::vector<float> Sentinel(int64_t n) {
  return std::vector<float>(n, std::numeric_limits<float>::quiet_NaN());
}

inline std::string ShapeStr(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

// |got - want| <= atol + rtol * |want| everywhere (NaN never passes).
inline ::testing::AssertionResult AllClose(const std::vector<float>& got,
                                           const std::vector<float>& want, float atol = 1e-4f,
                                           float rtol = 1e-4f) {
  if (got.size() != want.size())
    return ::testing::AssertionFailure() << "sizes differ: " << got.size() << " vs " << want.size();
  for (size_t i = 0; i < got.size(); ++i) {
    const float g = got[i], w = want[i];
    if (std::isinf(w) && g == w) continue;
    if (!(std::fabs(g - w) <= atol + rtol * std::fabs(w)))
      return ::testing::AssertionFailure() << "element " << i << ": got " << g << ", want " << w;
  }
  return ::testing::AssertionSuccess();
}

}  // namespace ferry::kernels::testing
