// Reference elementwise maths. The scalar functions here are the definitions the fast
// kernels also use; the broadcasting loops are the slow coordinate-by-coordinate oracle.
#pragma once

#include <algorithm>
#include <cmath>
#include <type_traits>
#include <vector>

#include "kernels/elementwise.h"
#include "kernels/reference/indexing.h"

namespace ferry::kernels::reference {

template <typename T>
T ApplyBinary(BinaryOp op, T a, T b) {
  switch (op) {
    case BinaryOp::kAdd:
      return a + b;
    case BinaryOp::kSub:
      return a - b;
    case BinaryOp::kMul:
      return a * b;
    case BinaryOp::kDiv:
      return b == T(0) && !std::is_floating_point_v<T> ? T(0) : a / b;
    case BinaryOp::kMax:  // NaN on either side gives NaN (np.maximum)
      return a != a ? a : std::max(a, b);
    case BinaryOp::kMin:
      return a != a ? a : std::min(a, b);
    case BinaryOp::kPow:
      return static_cast<T>(std::pow(static_cast<double>(a), static_cast<double>(b)));
    case BinaryOp::kFmod:
      if constexpr (std::is_floating_point_v<T>) {
        return std::fmod(a, b);
      } else {
        return b == T(0) ? T(0) : static_cast<T>(a % b);
      }
    case BinaryOp::kMod:
      if constexpr (std::is_floating_point_v<T>) {
        // Python's %: the result takes the divisor's sign.
        T r = std::fmod(a, b);
        if (r != T(0) && ((r < T(0)) != (b < T(0)))) r += b;
        return r;
      } else {
        if (b == T(0)) return T(0);
        T r = static_cast<T>(a % b);
        if constexpr (std::is_signed_v<T>) {
          if (r != T(0) && ((r < T(0)) != (b < T(0)))) r = static_cast<T>(r + b);
        }
        return r;
      }
    case BinaryOp::kShiftLeft:
    case BinaryOp::kShiftRight:
      if constexpr (std::is_integral_v<T>) {
        // Shifting by the type's width or more is undefined in C++; numpy gives 0.
        if (b < T(0) || static_cast<uint64_t>(b) >= sizeof(T) * 8) return T(0);
        return static_cast<T>(op == BinaryOp::kShiftLeft ? a << b : a >> b);
      } else {
        return T(0);
      }
  }
  return T(0);
}

template <typename T>
bool ApplyCompare(CompareOp op, T a, T b) {
  switch (op) {
    case CompareOp::kEqual:
      return a == b;
    case CompareOp::kLess:
      return a < b;
    case CompareOp::kGreater:
      return a > b;
    case CompareOp::kLessOrEqual:
      return a <= b;
    case CompareOp::kGreaterOrEqual:
      return a >= b;
    case CompareOp::kAnd:
      return a != T(0) && b != T(0);
    case CompareOp::kOr:
      return a != T(0) || b != T(0);
    case CompareOp::kXor:
      return (a != T(0)) != (b != T(0));
  }
  return false;
}

template <typename T>
T ApplyUnary(const UnaryParams& p, T x) {
  using C = std::conditional_t<std::is_same_v<T, double>, double, float>;
  const C v = static_cast<C>(x);
  switch (p.op) {
    case UnaryOp::kRelu:
      return x > T(0) ? x : T(0);
    case UnaryOp::kClip:
      return static_cast<T>(std::min<C>(std::max<C>(v, p.alpha), p.beta));
    case UnaryOp::kSigmoid:
      return static_cast<T>(C(1) / (C(1) + std::exp(-v)));
    case UnaryOp::kTanh:
      return static_cast<T>(std::tanh(v));
    case UnaryOp::kExp:
      return static_cast<T>(std::exp(v));
    case UnaryOp::kLog:
      return static_cast<T>(std::log(v));
    case UnaryOp::kNeg:
      return static_cast<T>(-x);
    case UnaryOp::kSqrt:
      return static_cast<T>(std::sqrt(v));
    case UnaryOp::kAbs:
      return x < T(0) ? static_cast<T>(-x) : x;
    case UnaryOp::kErf:
      return static_cast<T>(std::erf(v));
    case UnaryOp::kHardSwish:
      return static_cast<T>(v * std::max<C>(C(0), std::min<C>(C(1), v / C(6) + C(0.5))));
    case UnaryOp::kHardSigmoid:
      return static_cast<T>(std::max<C>(C(0), std::min<C>(C(1), C(p.alpha) * v + C(p.beta))));
    case UnaryOp::kLeakyRelu:
      return static_cast<T>(v < C(0) ? C(p.alpha) * v : v);
    case UnaryOp::kReciprocal:
      return static_cast<T>(C(1) / v);
    case UnaryOp::kFloor:
      return static_cast<T>(std::floor(v));
    case UnaryOp::kCeil:
      return static_cast<T>(std::ceil(v));
    case UnaryOp::kRound:
      return static_cast<T>(std::nearbyint(v));  // default mode: to even
    case UnaryOp::kSign:
      return static_cast<T>(v > C(0) ? C(1) : (v < C(0) ? C(-1) : C(0)));
    case UnaryOp::kCos:
      return static_cast<T>(std::cos(v));
    case UnaryOp::kSin:
      return static_cast<T>(std::sin(v));
    case UnaryOp::kElu:
      return static_cast<T>(v < C(0) ? C(p.alpha) * (std::exp(v) - C(1)) : v);
    case UnaryOp::kSelu:
      return static_cast<T>(C(p.beta) * (v <= C(0) ? C(p.alpha) * (std::exp(v) - C(1)) : v));
    case UnaryOp::kSoftplus:
      return static_cast<T>(std::log1p(std::exp(v)));
    case UnaryOp::kSoftsign:
      return static_cast<T>(v / (C(1) + std::fabs(v)));
    case UnaryOp::kThresholdedRelu:
      return static_cast<T>(v > C(p.alpha) ? v : C(0));
    case UnaryOp::kTan:
      return static_cast<T>(std::tan(v));
    case UnaryOp::kAsin:
      return static_cast<T>(std::asin(v));
    case UnaryOp::kAcos:
      return static_cast<T>(std::acos(v));
    case UnaryOp::kAtan:
      return static_cast<T>(std::atan(v));
    case UnaryOp::kSinh:
      return static_cast<T>(std::sinh(v));
    case UnaryOp::kCosh:
      return static_cast<T>(std::cosh(v));
    case UnaryOp::kAsinh:
      return static_cast<T>(std::asinh(v));
    case UnaryOp::kAcosh:
      return static_cast<T>(std::acosh(v));
    case UnaryOp::kAtanh:
      return static_cast<T>(std::atanh(v));
    case UnaryOp::kCelu:
      return static_cast<T>(std::max<C>(C(0), v) +
                            std::min<C>(C(0), C(p.alpha) * (std::exp(v / C(p.alpha)) - C(1))));
    case UnaryOp::kShrink:
      return static_cast<T>(v < -C(p.alpha)  ? v + C(p.beta)
                            : v > C(p.alpha) ? v - C(p.beta)
                                             : C(0));
  }
  return x;
}

inline std::vector<int64_t> BroadcastShape(const std::vector<int64_t>& a,
                                           const std::vector<int64_t>& b) {
  std::vector<int64_t> out(std::max(a.size(), b.size()));
  for (size_t i = 0; i < out.size(); ++i) {
    const int64_t da = i + a.size() >= out.size() ? a[i + a.size() - out.size()] : 1;
    const int64_t db = i + b.size() >= out.size() ? b[i + b.size() - out.size()] : 1;
    out[i] = da == 1 ? db : da;
  }
  return out;
}

template <typename T>
void Binary(BinaryOp op, const T* a, const std::vector<int64_t>& a_shape, const T* b,
            const std::vector<int64_t>& b_shape, T* y) {
  const std::vector<int64_t> out = BroadcastShape(a_shape, b_shape);
  const int64_t n = NumElements(out);
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> idx = Unravel(i, out);
    y[i] = ApplyBinary(op, a[BroadcastIndex(idx, a_shape)], b[BroadcastIndex(idx, b_shape)]);
  }
}

template <typename T>
void Compare(CompareOp op, const T* a, const std::vector<int64_t>& a_shape, const T* b,
             const std::vector<int64_t>& b_shape, bool* y) {
  const std::vector<int64_t> out = BroadcastShape(a_shape, b_shape);
  const int64_t n = NumElements(out);
  for (int64_t i = 0; i < n; ++i) {
    const std::vector<int64_t> idx = Unravel(i, out);
    y[i] = ApplyCompare(op, a[BroadcastIndex(idx, a_shape)], b[BroadcastIndex(idx, b_shape)]);
  }
}

}  // namespace ferry::kernels::reference
