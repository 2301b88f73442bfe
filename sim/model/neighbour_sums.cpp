#include "model/neighbour_sums.h"

#include <algorithm>
#include <cmath>

#include "core/cpu.h"

namespace geosim {
namespace {

NeighbourSums sums_scalar(const std::uint32_t* row, std::size_t len, const float* weight, NeighbourSums s = {}) {
  for (std::size_t j = 0; j < len; ++j) {
    const double w = weight[row[j]];
    s.total += std::fabs(w);
    s.adopted += std::max(w, 0.0);  // no branch: whether a neighbour uses a model is a coin toss to the CPU
  }
  return s;
}

#ifdef GEOSIM_X86_SIMD
__attribute__((target("avx2"))) NeighbourSums sums_avx2(const std::uint32_t* row, std::size_t len, const float* weight) {
  __m256d total = _mm256_setzero_pd(), adopted = _mm256_setzero_pd();
  const __m256d sign = _mm256_set1_pd(-0.0), zero = _mm256_setzero_pd();
  std::size_t j = 0;
  for (; j + 8 <= len; j += 8) {
    const __m256i index = _mm256_loadu_si256(reinterpret_cast<const __m256i*>(row + j));
    const __m256 w = _mm256_i32gather_ps(weight, index, 4);
    for (const __m256d x : {_mm256_cvtps_pd(_mm256_castps256_ps128(w)), _mm256_cvtps_pd(_mm256_extractf128_ps(w, 1))}) {
      total = _mm256_add_pd(total, _mm256_andnot_pd(sign, x));
      adopted = _mm256_add_pd(adopted, _mm256_max_pd(x, zero));
    }
  }
  alignas(32) double t[4], a[4];
  _mm256_store_pd(t, total);
  _mm256_store_pd(a, adopted);
  return sums_scalar(row + j, len - j, weight, {t[0] + t[1] + t[2] + t[3], a[0] + a[1] + a[2] + a[3]});
}
#endif

}  // namespace

NeighbourSums neighbour_sums(const std::uint32_t* row, std::size_t len, const float* weight, bool vectors) {
#ifdef GEOSIM_X86_SIMD
  if (vectors && cpu_features().avx2 && len >= 8) return sums_avx2(row, len, weight);
#endif
  (void)vectors;
  return sums_scalar(row, len, weight);
}

}  // namespace geosim
