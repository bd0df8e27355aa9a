// Index helpers for the reference kernels: row-major strides and numpy broadcasting by
// explicit multi-indices. Slow on purpose: each element is computed from its coordinates.
#pragma once

#include <cstdint>
#include <vector>

namespace ferry::kernels::reference {

inline std::vector<int64_t> Strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

inline int64_t NumElements(const std::vector<int64_t>& shape) {
  int64_t n = 1;
  for (int64_t d : shape) n *= d;
  return n;
}

// Coordinates of flat index i in shape.
inline std::vector<int64_t> Unravel(int64_t i, const std::vector<int64_t>& shape) {
  std::vector<int64_t> idx(shape.size());
  for (int d = static_cast<int>(shape.size()) - 1; d >= 0; --d) {
    idx[d] = shape[d] ? i % shape[d] : 0;
    i = shape[d] ? i / shape[d] : 0;
  }
  return idx;
}

// Flat index in `shape` of the output coordinates `out_idx` (rank >= shape's rank), reading
// broadcast dims (size 1) at 0: numpy's right-aligned broadcasting.
inline int64_t BroadcastIndex(const std::vector<int64_t>& out_idx,
                              const std::vector<int64_t>& shape) {
  int64_t flat = 0;
  size_t off = out_idx.size() - shape.size();
  for (size_t d = 0; d < shape.size(); ++d) {
    int64_t c = shape[d] == 1 ? 0 : out_idx[off + d];
    flat = flat * shape[d] + c;
  }
  return flat;
}

}  // namespace ferry::kernels::reference
