#pragma once
// The vector instructions this CPU has, for the kernels with vector versions (core/random_batch.cpp,
// model/logit.cpp, model/neighbour_sums.cpp). GEOSIM_X86_SIMD is defined, and <immintrin.h> included,
// where those versions can be compiled (x86-64 with GCC or Clang); each kernel keeps a plain version
// for other CPUs, with the same results.
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#define GEOSIM_X86_SIMD 1
#endif

namespace geosim {

/// Instruction sets the vector kernels choose between at run time (all false off x86-64).
struct CpuFeatures {
  bool avx2 = false, fma = false, avx512f = false;
};

/// This CPU's features, read once.
inline const CpuFeatures& cpu_features() {
  static const CpuFeatures features = [] {
    CpuFeatures f;
#ifdef GEOSIM_X86_SIMD
    f.avx2 = __builtin_cpu_supports("avx2");
    f.fma = __builtin_cpu_supports("fma");
    f.avx512f = __builtin_cpu_supports("avx512f");
#endif
    return f;
  }();
  return features;
}

}  // namespace geosim
