// Broadcasting elementwise kernels. Shapes are right-aligned and adjacent dims with the same
// broadcast pattern merged, so the inner loop runs over long contiguous (or constant) runs
// that the compiler vectorises; the op switch sits outside the loop.
#include "kernels/elementwise.h"

#include <algorithm>
#include <cstring>
#include <string>
#include <type_traits>

#include "kernels/reference/elementwise.h"

// -O2 uses GCC's very-cheap vectoriser cost model, which skips loops of unknown trip count:
// exactly the hot loops of this file. Ask for the dynamic model here.
#pragma GCC optimize("vect-cost-model=dynamic")

namespace ferry::kernels {
namespace {

std::string ShapeStr(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? "," : "") + std::to_string(s[i]);
  return out + "]";
}

// Input strides over the output shape (0 where the input is broadcast), dims merged.
struct Plan {
  std::vector<int64_t> dims;                  // merged output dims, innermost last
  std::vector<std::vector<int64_t>> strides;  // per input
};

Plan MakePlan(const std::vector<int64_t>& out, const std::vector<std::vector<int64_t>>& ins) {
  const size_t r = out.size();
  std::vector<std::vector<int64_t>> st(ins.size(), std::vector<int64_t>(r, 0));
  for (size_t k = 0; k < ins.size(); ++k) {
    const auto& s = ins[k];
    int64_t acc = 1;
    for (int d = static_cast<int>(s.size()) - 1; d >= 0; --d) {
      const size_t od = d + r - s.size();
      st[k][od] = s[d] == 1 ? 0 : acc;
      acc *= s[d];
    }
  }
  Plan p;
  for (size_t d = 0; d < r; ++d) {
    if (out[d] == 1) continue;  // size-1 dims contribute nothing
    bool merge = !p.dims.empty();
    for (size_t k = 0; k < ins.size() && merge; ++k) {
      // Contiguous with the previous merged dim: stride_prev == stride_d * size_d.
      merge = p.strides[k].back() == st[k][d] * out[d];
    }
    if (merge) {
      p.dims.back() *= out[d];
      for (size_t k = 0; k < ins.size(); ++k) p.strides[k].back() = st[k][d];
    } else {
      p.dims.push_back(out[d]);
      if (p.strides.empty()) p.strides.resize(ins.size());
      for (size_t k = 0; k < ins.size(); ++k) p.strides[k].push_back(st[k][d]);
    }
  }
  if (p.dims.empty()) {
    p.dims.push_back(1);
    p.strides.assign(ins.size(), std::vector<int64_t>{0});
  }
  return p;
}

// Calls body(offsets, y_offset, inner_count, inner_strides) for every innermost run.
template <typename Body>
void ForEachRun(const Plan& p, Body body) {
  const int r = static_cast<int>(p.dims.size());
  const size_t k = p.strides.size();
  const int64_t inner = p.dims.back();
  std::vector<int64_t> inner_st(k);
  for (size_t i = 0; i < k; ++i) inner_st[i] = p.strides[i].back();
  int64_t outer = 1;
  for (int d = 0; d < r - 1; ++d) outer *= p.dims[d];
  std::vector<int64_t> idx(r, 0), off(k, 0);
  for (int64_t o = 0; o < outer; ++o) {
    body(off, o * inner, inner, inner_st);
    for (int d = r - 2; d >= 0; --d) {  // odometer over the outer dims
      for (size_t i = 0; i < k; ++i) off[i] += p.strides[i][d];
      if (++idx[d] < p.dims[d]) break;
      for (size_t i = 0; i < k; ++i) off[i] -= p.strides[i][d] * p.dims[d];
      idx[d] = 0;
    }
  }
}

template <typename T, typename F>
void BinaryLoop(const T* a, const T* b, const Plan& plan, T* y, F f) {
  ForEachRun(plan, [&](const std::vector<int64_t>& off, int64_t yo, int64_t n,
                       const std::vector<int64_t>& st) {
    const T* ap = a + off[0];
    const T* bp = b + off[1];
    T* yp = y + yo;
    if (st[0] == 1 && st[1] == 1) {
      for (int64_t i = 0; i < n; ++i) yp[i] = f(ap[i], bp[i]);
    } else if (st[0] == 1 && st[1] == 0) {
      const T bv = *bp;
      for (int64_t i = 0; i < n; ++i) yp[i] = f(ap[i], bv);
    } else if (st[0] == 0 && st[1] == 1) {
      const T av = *ap;
      for (int64_t i = 0; i < n; ++i) yp[i] = f(av, bp[i]);
    } else {
      for (int64_t i = 0; i < n; ++i) yp[i] = f(ap[i * st[0]], bp[i * st[1]]);
    }
  });
}

}  // namespace

StatusOr<std::vector<int64_t>> BroadcastShapes(const std::vector<int64_t>& a,
                                               const std::vector<int64_t>& b) {
  std::vector<int64_t> out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i + a.size() >= out.size() ? a[i + a.size() - out.size()] : 1;
    const int64_t db = i + b.size() >= out.size() ? b[i + b.size() - out.size()] : 1;
    if (da != db && da != 1 && db != 1)
      return InvalidArgument("shapes " + ShapeStr(a) + " and " + ShapeStr(b) + " do not broadcast");
    out[i] = da == 1 ? db : da;
  }
  return out;
}

template <typename T>
Status Binary(BinaryOp op, const T* a, const std::vector<int64_t>& a_shape, const T* b,
              const std::vector<int64_t>& b_shape, T* y) {
  FERRY_ASSIGN_OR_RETURN(std::vector<int64_t> out, BroadcastShapes(a_shape, b_shape));
  if constexpr (!std::is_floating_point_v<T>) {
    if (op == BinaryOp::kDiv || op == BinaryOp::kMod || op == BinaryOp::kFmod) {
      const int64_t nb = reference::NumElements(b_shape);
      for (int64_t i = 0; i < nb; ++i)
        if (b[i] == T(0)) return InvalidArgument("integer division by zero");
    }
  }
  const Plan plan = MakePlan(out, {a_shape, b_shape});
  switch (op) {
    case BinaryOp::kAdd:
      BinaryLoop(a, b, plan, y, [](T u, T v) { return u + v; });
      break;
    case BinaryOp::kSub:
      BinaryLoop(a, b, plan, y, [](T u, T v) { return u - v; });
      break;
    case BinaryOp::kMul:
      BinaryLoop(a, b, plan, y, [](T u, T v) { return u * v; });
      break;
    case BinaryOp::kDiv:
      BinaryLoop(a, b, plan, y, [](T u, T v) { return u / v; });
      break;
    // np.maximum / np.minimum: a NaN on either side wins (u != u only for a NaN).
    case BinaryOp::kMax:
      BinaryLoop(a, b, plan, y, [](T u, T v) { return u > v || u != u ? u : v; });
      break;
    case BinaryOp::kMin:
      BinaryLoop(a, b, plan, y, [](T u, T v) { return u < v || u != u ? u : v; });
      break;
    case BinaryOp::kPow:
      // x ** 2 (a decomposed LayerNorm's variance) as x * x: one correctly rounded product,
      // at a fraction of a pow call per element.
      if constexpr (std::is_floating_point_v<T>) {
        if (reference::NumElements(b_shape) == 1 && b[0] == T(2)) {
          BinaryLoop(a, b, plan, y, [](T u, T) { return u * u; });
          break;
        }
      }
      BinaryLoop(a, b, plan, y, [op](T u, T v) { return reference::ApplyBinary(op, u, v); });
      break;
    case BinaryOp::kMod:
    case BinaryOp::kFmod:
    case BinaryOp::kShiftLeft:
    case BinaryOp::kShiftRight:
      BinaryLoop(a, b, plan, y, [op](T u, T v) { return reference::ApplyBinary(op, u, v); });
      break;
  }
  return Status::Ok();
}

template <typename T>
void Compare(CompareOp op, const T* a, const std::vector<int64_t>& a_shape, const T* b,
             const std::vector<int64_t>& b_shape, bool* y) {
  const std::vector<int64_t> out = reference::BroadcastShape(a_shape, b_shape);
  const Plan plan = MakePlan(out, {a_shape, b_shape});
  ForEachRun(plan, [&](const std::vector<int64_t>& off, int64_t yo, int64_t n,
                       const std::vector<int64_t>& st) {
    for (int64_t i = 0; i < n; ++i)
      y[yo + i] = reference::ApplyCompare(op, a[off[0] + i * st[0]], b[off[1] + i * st[1]]);
  });
}

template <typename T>
void Where(const bool* cond, const std::vector<int64_t>& cond_shape, const T* a,
           const std::vector<int64_t>& a_shape, const T* b, const std::vector<int64_t>& b_shape,
           const std::vector<int64_t>& y_shape, T* y) {
  const Plan plan = MakePlan(y_shape, {cond_shape, a_shape, b_shape});
  ForEachRun(plan, [&](const std::vector<int64_t>& off, int64_t yo, int64_t n,
                       const std::vector<int64_t>& st) {
    for (int64_t i = 0; i < n; ++i)
      y[yo + i] = cond[off[0] + i * st[0]] ? a[off[1] + i * st[1]] : b[off[2] + i * st[2]];
  });
}

void BroadcastTo(const void* x, const std::vector<int64_t>& x_shape, size_t elem_size,
                 const std::vector<int64_t>& y_shape, void* y) {
  const Plan plan = MakePlan(y_shape, {x_shape});
  const char* xp = static_cast<const char*>(x);
  char* yp = static_cast<char*>(y);
  ForEachRun(plan, [&](const std::vector<int64_t>& off, int64_t yo, int64_t n,
                       const std::vector<int64_t>& st) {
    if (st[0] == 1) {
      std::memcpy(yp + yo * elem_size, xp + off[0] * elem_size, n * elem_size);
      return;
    }
    for (int64_t i = 0; i < n; ++i)
      std::memcpy(yp + (yo + i) * elem_size, xp + (off[0] + i * st[0]) * elem_size, elem_size);
  });
}

namespace {

// Straight loops the compiler vectorises at -O2 (GCC's very-cheap cost model wants no
// runtime alias checks, hence the separate in-place and out-of-place versions).
template <typename T, typename F>
void MapInPlace(T* __restrict y, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(y[i]);
}
template <typename T, typename F>
void Map(const T* __restrict x, T* __restrict y, int64_t n, F f) {
  for (int64_t i = 0; i < n; ++i) y[i] = f(x[i]);
}
template <typename T, typename F>
void MapAny(const T* x, T* y, int64_t n, F f) {
  if (x == y)
    MapInPlace(y, n, f);
  else
    Map(x, y, n, f);
}

}  // namespace

template <typename T>
void Unary(const UnaryParams& p, const T* x, T* y, int64_t n) {
  switch (p.op) {
    case UnaryOp::kRelu:
      // NaN passes through, as in onnx's reference np.clip(x, 0, inf).
      MapAny(x, y, n, [](T v) { return v < T(0) ? T(0) : v; });
      return;
    case UnaryOp::kClip: {
      const T lo = static_cast<T>(p.alpha), hi = static_cast<T>(p.beta);
      MapAny(x, y, n, [lo, hi](T v) { return v < lo ? lo : (v > hi ? hi : v); });
      return;
    }
    default:
      for (int64_t i = 0; i < n; ++i) y[i] = reference::ApplyUnary(p, x[i]);
  }
}

namespace {

template <typename F>
void ChainBinary(const ChainStep& s, const float* __restrict x, float* __restrict t, int64_t n,
                 F f) {
  switch (s.kind) {
    case ChainStep::Kind::kConstRight: {
      const float c = s.c;
      for (int64_t i = 0; i < n; ++i) t[i] = f(t[i], c);
      break;
    }
    case ChainStep::Kind::kConstLeft: {
      const float c = s.c;
      for (int64_t i = 0; i < n; ++i) t[i] = f(c, t[i]);
      break;
    }
    case ChainStep::Kind::kInputRight:
      for (int64_t i = 0; i < n; ++i) t[i] = f(t[i], x[i]);
      break;
    case ChainStep::Kind::kInputLeft:
      for (int64_t i = 0; i < n; ++i) t[i] = f(x[i], t[i]);
      break;
    case ChainStep::Kind::kUnary:
      break;
  }
}

}  // namespace

void ElementwiseChain(const std::vector<ChainStep>& steps, const float* x, float* y, int64_t n) {
  constexpr int64_t kBlock = 1024;  // 4 KB of floats: stays in L1 across the steps
  for (int64_t start = 0; start < n; start += kBlock) {
    const int64_t len = std::min(kBlock, n - start);
    const float* xb = x + start;
    float* t = y + start;
    std::copy(xb, xb + len, t);
    for (const ChainStep& s : steps) {
      if (s.kind == ChainStep::Kind::kUnary) {
        Unary<float>(s.unary, t, t, len);
        continue;
      }
      switch (s.binary) {
        case BinaryOp::kAdd:
          ChainBinary(s, xb, t, len, [](float u, float v) { return u + v; });
          break;
        case BinaryOp::kSub:
          ChainBinary(s, xb, t, len, [](float u, float v) { return u - v; });
          break;
        case BinaryOp::kMul:
          ChainBinary(s, xb, t, len, [](float u, float v) { return u * v; });
          break;
        case BinaryOp::kDiv:
          ChainBinary(s, xb, t, len, [](float u, float v) { return u / v; });
          break;
        default:  // the pass only builds the four above
          ChainBinary(s, xb, t, len,
                      [&](float u, float v) { return reference::ApplyBinary(s.binary, u, v); });
      }
    }
  }
}

#define FERRY_INSTANTIATE_ARITH(T)                                                     \
  template Status Binary<T>(BinaryOp, const T*, const std::vector<int64_t>&, const T*, \
                            const std::vector<int64_t>&, T*);                          \
  template void Unary<T>(const UnaryParams&, const T*, T*, int64_t);
#define FERRY_INSTANTIATE_SELECT(T)                                                          \
  template void Compare<T>(CompareOp, const T*, const std::vector<int64_t>&, const T*,       \
                           const std::vector<int64_t>&, bool*);                              \
  template void Where<T>(const bool*, const std::vector<int64_t>&, const T*,                 \
                         const std::vector<int64_t>&, const T*, const std::vector<int64_t>&, \
                         const std::vector<int64_t>&, T*);

#define FERRY_INSTANTIATE_BOTH(T) FERRY_INSTANTIATE_ARITH(T) FERRY_INSTANTIATE_SELECT(T)
FERRY_INSTANTIATE_BOTH(float)
FERRY_INSTANTIATE_BOTH(double)
FERRY_INSTANTIATE_BOTH(int8_t)
FERRY_INSTANTIATE_BOTH(int16_t)
FERRY_INSTANTIATE_BOTH(int32_t)
FERRY_INSTANTIATE_BOTH(int64_t)
FERRY_INSTANTIATE_BOTH(uint8_t)
FERRY_INSTANTIATE_BOTH(uint16_t)
FERRY_INSTANTIATE_BOTH(uint32_t)
FERRY_INSTANTIATE_BOTH(uint64_t)
FERRY_INSTANTIATE_SELECT(bool)

}  // namespace ferry::kernels
