// Elementwise kernels: numpy-broadcasting binary ops, comparisons, Where and unary maths.
// Instantiated for float, double and every 8- to 64-bit integer type (comparisons and Where
// also for bool). Oracle: reference/elementwise.h.
#pragma once

#include <cstdint>
#include <vector>

#include "core/status.h"

namespace ferry::kernels {

// kMod: integer remainder with the divisor's sign (ONNX Mod-13 fmod=0, Python %); kFmod: C
// fmod (the dividend's sign). kShiftLeft/kShiftRight: ONNX BitShift-11 on unsigned types.
enum class BinaryOp { kAdd, kSub, kMul, kDiv, kMax, kMin, kPow, kMod, kFmod, kShiftLeft, kShiftRight };
// kAnd/kOr/kXor: ONNX logical ops (And/Or/Xor-7) on the truth of each operand.
enum class CompareOp { kEqual, kLess, kGreater, kLessOrEqual, kGreaterOrEqual, kAnd, kOr, kXor };

// numpy broadcasting of two shapes (ONNX "multidirectional broadcasting").
StatusOr<std::vector<int64_t>> BroadcastShapes(const std::vector<int64_t>& a,
                                               const std::vector<int64_t>& b);

// y = a op b, y has BroadcastShapes(a_shape, b_shape). Integer Div truncates toward zero
// (C++ and onnxruntime); integer division (or Mod) by zero is an error.
template <typename T>
Status Binary(BinaryOp op, const T* a, const std::vector<int64_t>& a_shape, const T* b,
              const std::vector<int64_t>& b_shape, T* y);

// y = a cmp b as bool.
template <typename T>
void Compare(CompareOp op, const T* a, const std::vector<int64_t>& a_shape, const T* b,
             const std::vector<int64_t>& b_shape, bool* y);

// y = cond ? a : b, all three broadcast to y_shape (the caller computes it).
template <typename T>
void Where(const bool* cond, const std::vector<int64_t>& cond_shape, const T* a,
           const std::vector<int64_t>& a_shape, const T* b, const std::vector<int64_t>& b_shape,
           const std::vector<int64_t>& y_shape, T* y);

// Copies x into y of shape y_shape, broadcasting (numpy Expand / BroadcastTo); elem_size
// bytes per element so any dtype works.
void BroadcastTo(const void* x, const std::vector<int64_t>& x_shape, size_t elem_size,
                 const std::vector<int64_t>& y_shape, void* y);

enum class UnaryOp {
  kRelu,
  kClip,  // alpha = min, beta = max
  kSigmoid,
  kTanh,
  kExp,
  kLog,
  kNeg,
  kSqrt,
  kAbs,
  kErf,
  kHardSwish,    // x * max(0, min(1, x / 6 + 1 / 2))   (ONNX HardSwish-14)
  kHardSigmoid,  // max(0, min(1, alpha * x + beta))
  kLeakyRelu,    // x < 0 ? alpha * x : x
  kReciprocal,
  kFloor,
  kCeil,
  kRound,  // half to even (ONNX Round-11)
  kSign,
  kCos,
  kSin,
  kElu,              // x < 0 ? alpha * (exp(x) - 1) : x
  kSelu,             // beta * (x <= 0 ? alpha * (exp(x) - 1) : x)   (beta = gamma)
  kSoftplus,         // log(1 + exp(x))
  kSoftsign,         // x / (1 + |x|)
  kThresholdedRelu,  // x > alpha ? x : 0
  kTan,
  kAsin,
  kAcos,
  kAtan,
  kSinh,
  kCosh,
  kAsinh,
  kAcosh,
  kAtanh,
  kCelu,    // max(0, x) + min(0, alpha * (exp(x / alpha) - 1))   (ONNX Celu-12)
  kShrink,  // x < -alpha ? x + beta : (x > alpha ? x - beta : 0)   (alpha = lambd, beta = bias)
};

struct UnaryParams {
  UnaryOp op = UnaryOp::kRelu;
  float alpha = 0.0f;
  float beta = 0.0f;
};

// y[i] = f(x[i]) for i < n; y may equal x (in place).
template <typename T>
void Unary(const UnaryParams& p, const T* x, T* y, int64_t n);

// One step of a fused elementwise chain: a unary op, or a binary op of the running value t
// with a constant c or with the chain's input x, in the order the graph wrote it.
struct ChainStep {
  enum class Kind { kUnary, kConstRight, kConstLeft, kInputRight, kInputLeft };
  Kind kind = Kind::kUnary;
  UnaryParams unary;                // kUnary
  BinaryOp binary = BinaryOp::kAdd;  // kAdd, kSub, kMul or kDiv: t op c, c op t, t op x, x op t
  float c = 0.0f;
};

// y[i] = steps applied in order to x[i], i < n, in cache-sized blocks: one pass over memory
// instead of one per step. Each step rounds as Unary and Binary do, so the result equals
// running them one after the other bitwise. y must not alias x.
void ElementwiseChain(const std::vector<ChainStep>& steps, const float* x, float* y, int64_t n);

}  // namespace ferry::kernels
