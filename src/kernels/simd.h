// For the kernels with AVX-512 paths of their own (channels_last.cc, vector_math.cc): the
// run-time check, and the AVX-512 intrinsics. Including this also silences, for the including
// file, GCC 12's false positive that _mm512_undefined_ps inside its own intrinsics "may be
// used uninitialized".
#pragma once

#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>

// Marks a function compiled for AVX-512F; call it only where HasAvx512().
#define FERRY_AVX512 __attribute__((target("avx512f")))

namespace ferry::kernels {

// Whether this CPU runs AVX-512F code (checked once).
inline bool HasAvx512() {
  static const bool has = __builtin_cpu_supports("avx512f");
  return has;
}

}  // namespace ferry::kernels
