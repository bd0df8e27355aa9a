// Data movement kernels. Each copies the longest contiguous run it can with memcpy and walks
// the remaining dims with an odometer; element sizes of 4 and 8 bytes get typed loops.
#include "kernels/transform.h"

#include <algorithm>
#include <cstring>
#include <string>

namespace ferry::kernels {
namespace {

std::vector<int64_t> Strides(const std::vector<int64_t>& shape) {
  std::vector<int64_t> s(shape.size(), 1);
  for (int i = static_cast<int>(shape.size()) - 2; i >= 0; --i) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

int64_t Product(const std::vector<int64_t>& s, size_t from, size_t to) {
  int64_t n = 1;
  for (size_t i = from; i < to; ++i) n *= s[i];
  return n;
}

// Copies the elements of a strided view (dims, src strides in elements) into a dense y.
template <typename T>
void GatherStrided(const T* x, const std::vector<int64_t>& dims,
                   const std::vector<int64_t>& strides, T* y) {
  const int r = static_cast<int>(dims.size());
  if (r == 0) {
    *y = *x;
    return;
  }
  for (int64_t d : dims)
    if (d == 0) return;
  const int64_t inner = dims[r - 1], inner_st = strides[r - 1];
  std::vector<int64_t> idx(r, 0);
  int64_t off = 0;
  for (;;) {
    const T* src = x + off;
    if (inner_st == 1) {
      std::memcpy(y, src, inner * sizeof(T));
    } else {
      for (int64_t i = 0; i < inner; ++i) y[i] = src[i * inner_st];
    }
    y += inner;
    int d = r - 2;
    for (; d >= 0; --d) {
      off += strides[d];
      if (++idx[d] < dims[d]) break;
      off -= strides[d] * dims[d];
      idx[d] = 0;
    }
    if (d < 0) return;
  }
}

struct Bytes3 {
  char b[3];
};

void GatherStridedBytes(const void* x, const std::vector<int64_t>& dims,
                        const std::vector<int64_t>& strides, size_t elem_size, void* y) {
  switch (elem_size) {
    case 1:
      GatherStrided(static_cast<const uint8_t*>(x), dims, strides, static_cast<uint8_t*>(y));
      return;
    case 2:
      GatherStrided(static_cast<const uint16_t*>(x), dims, strides, static_cast<uint16_t*>(y));
      return;
    case 4:
      GatherStrided(static_cast<const uint32_t*>(x), dims, strides, static_cast<uint32_t*>(y));
      return;
    case 8:
      GatherStrided(static_cast<const uint64_t*>(x), dims, strides, static_cast<uint64_t*>(y));
      return;
    default: {
      // Odd sizes: treat each element as a row of bytes.
      std::vector<int64_t> d = dims, s = strides;
      for (auto& v : s) v *= static_cast<int64_t>(elem_size);
      d.push_back(static_cast<int64_t>(elem_size));
      s.push_back(1);
      GatherStrided(static_cast<const uint8_t*>(x), d, s, static_cast<uint8_t*>(y));
    }
  }
}

}  // namespace

void Transpose(const void* x, const std::vector<int64_t>& x_shape, const std::vector<int>& perm,
               size_t elem_size, void* y) {
  const std::vector<int64_t> xs = Strides(x_shape);
  std::vector<int64_t> dims, strides;
  for (int p : perm) {
    if (x_shape[p] == 1) continue;
    // Merge with the previous output dim when it is contiguous in x too.
    if (!dims.empty() && strides.back() == xs[p] * x_shape[p]) {
      dims.back() *= x_shape[p];
      strides.back() = xs[p];
    } else {
      dims.push_back(x_shape[p]);
      strides.push_back(xs[p]);
    }
  }
  for (int64_t d : x_shape)
    if (d == 0) return;
  GatherStridedBytes(x, dims, strides, elem_size, y);
}

void Concat(const std::vector<const void*>& xs, const std::vector<std::vector<int64_t>>& shapes,
            int axis, size_t elem_size, void* y) {
  if (xs.empty()) return;
  const int64_t outer = Product(shapes[0], 0, axis);
  std::vector<int64_t> chunk(xs.size());
  int64_t row = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    chunk[i] = Product(shapes[i], axis, shapes[i].size()) * elem_size;
    row += chunk[i];
  }
  char* out = static_cast<char*>(y);
  for (int64_t o = 0; o < outer; ++o)
    for (size_t i = 0; i < xs.size(); ++i) {
      if (chunk[i]) std::memcpy(out, static_cast<const char*>(xs[i]) + o * chunk[i], chunk[i]);
      out += chunk[i];
    }
}

Status Gather(const void* x, const std::vector<int64_t>& x_shape, const int64_t* indices,
              int64_t num_indices, int axis, size_t elem_size, void* y) {
  const int64_t outer = Product(x_shape, 0, axis), n = x_shape[axis];
  const int64_t inner = Product(x_shape, axis + 1, x_shape.size()) * elem_size;
  for (int64_t i = 0; i < num_indices; ++i)
    if (indices[i] < -n || indices[i] >= n)
      return OutOfRange("index " + std::to_string(indices[i]) + " is out of range for axis " +
                        std::to_string(axis) + " of size " + std::to_string(n));
  const char* src = static_cast<const char*>(x);
  char* out = static_cast<char*>(y);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i = 0; i < num_indices; ++i) {
      const int64_t j = indices[i] < 0 ? indices[i] + n : indices[i];
      std::memcpy(out, src + (o * n + j) * inner, inner);
      out += inner;
    }
  return Status::Ok();
}

void Slice(const void* x, const std::vector<int64_t>& x_shape, const std::vector<int64_t>& starts,
           const std::vector<int64_t>& steps, const std::vector<int64_t>& y_shape, size_t elem_size,
           void* y) {
  const std::vector<int64_t> xs = Strides(x_shape);
  int64_t base = 0;
  std::vector<int64_t> strides(x_shape.size());
  for (size_t d = 0; d < x_shape.size(); ++d) {
    base += starts[d] * xs[d];
    strides[d] = steps[d] * xs[d];
  }
  for (int64_t d : y_shape)
    if (d == 0) return;
  GatherStridedBytes(static_cast<const char*>(x) + base * elem_size, y_shape, strides, elem_size,
                     y);
}

namespace {

// n copies of the element at value: a typed fill for the common sizes (a memcpy call per
// element took 1.7 ms on a 3.2 MB pad).
void FillElements(char* out, int64_t n, const void* value, size_t elem_size) {
  auto fill = [&](auto zero) {
    using T = decltype(zero);
    T v;
    std::memcpy(&v, value, sizeof(T));
    std::fill_n(reinterpret_cast<T*>(out), n, v);
  };
  switch (elem_size) {
    case 1: return fill(uint8_t{});
    case 2: return fill(uint16_t{});
    case 4: return fill(uint32_t{});
    case 8: return fill(uint64_t{});
    default:
      for (int64_t i = 0; i < n; ++i) std::memcpy(out + i * elem_size, value, elem_size);
  }
}

}  // namespace

void PadConstant(const void* x, const std::vector<int64_t>& x_shape,
                 const std::vector<int64_t>& pads, const void* value, size_t elem_size, void* y) {
  const size_t r = x_shape.size();
  std::vector<int64_t> y_shape(r);
  for (size_t d = 0; d < r; ++d) y_shape[d] = x_shape[d] + pads[d] + pads[d + r];
  const int64_t ny = Product(y_shape, 0, r);
  char* out = static_cast<char*>(y);
  FillElements(out, ny, value, elem_size);
  // The part of x that survives (negative pads crop), copied into its place in y.
  std::vector<int64_t> starts(r), steps(r, 1), dims(r);
  int64_t y_off = 0;
  const std::vector<int64_t> ys = Strides(y_shape);
  for (size_t d = 0; d < r; ++d) {
    const int64_t lo = pads[d] < 0 ? -pads[d] : 0;
    const int64_t hi = x_shape[d] + (pads[d + r] < 0 ? pads[d + r] : 0);
    dims[d] = hi > lo ? hi - lo : 0;
    starts[d] = lo;
    y_off += (pads[d] > 0 ? pads[d] : 0) * ys[d];
  }
  if (Product(dims, 0, r) == 0) return;
  // Copy row by row: the innermost dim is contiguous in both x and y.
  const std::vector<int64_t> xs = Strides(x_shape);
  const int64_t inner = r ? dims[r - 1] : 1;
  const int64_t rows = r ? Product(dims, 0, r - 1) : 1;
  std::vector<int64_t> idx(r ? r - 1 : 0, 0);
  const char* src = static_cast<const char*>(x);
  for (int64_t row = 0; row < rows; ++row) {
    int64_t xo = 0, yo = y_off;
    for (size_t d = 0; d + 1 < r; ++d) {
      xo += (starts[d] + idx[d]) * xs[d];
      yo += idx[d] * ys[d];
    }
    if (r) xo += starts[r - 1];
    std::memcpy(out + yo * elem_size, src + xo * elem_size, inner * elem_size);
    for (int d = static_cast<int>(r) - 2; d >= 0; --d) {
      if (++idx[d] < dims[d]) break;
      idx[d] = 0;
    }
  }
}

void PadBorder(PadMode mode, const void* x, const std::vector<int64_t>& x_shape,
               const std::vector<int64_t>& pads, size_t elem_size, void* y) {
  const size_t r = x_shape.size();
  std::vector<int64_t> y_shape(r);
  for (size_t d = 0; d < r; ++d) y_shape[d] = x_shape[d] + pads[d] + pads[d + r];
  const int64_t ny = Product(y_shape, 0, r);
  if (ny == 0) return;
  // Per dim, the source coordinate of every output coordinate.
  std::vector<std::vector<int64_t>> src(r);
  for (size_t d = 0; d < r; ++d) {
    const int64_t n = x_shape[d];
    src[d].resize(y_shape[d]);
    for (int64_t i = 0; i < y_shape[d]; ++i) {
      int64_t c = i - pads[d];
      if (mode == PadMode::kEdge) {
        c = c < 0 ? 0 : (c >= n ? n - 1 : c);
      } else if (n > 1) {
        const int64_t period = 2 * (n - 1);
        c = ((c % period) + period) % period;
        if (c >= n) c = period - c;
      } else {
        c = 0;
      }
      src[d][i] = c;
    }
  }
  const std::vector<int64_t> xs = Strides(x_shape);
  const char* in = static_cast<const char*>(x);
  char* out = static_cast<char*>(y);
  std::vector<int64_t> idx(r, 0);
  for (int64_t i = 0; i < ny; ++i) {
    int64_t off = 0;
    for (size_t d = 0; d < r; ++d) off += src[d][idx[d]] * xs[d];
    std::memcpy(out + i * elem_size, in + off * elem_size, elem_size);
    for (int d = static_cast<int>(r) - 1; d >= 0; --d) {
      if (++idx[d] < y_shape[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace ferry::kernels
