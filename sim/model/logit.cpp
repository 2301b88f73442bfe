#include "model/logit.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>

#include "core/cpu.h"

namespace geosim {
namespace {

#ifdef GEOSIM_X86_SIMD
#define GEOSIM_AVX2 __attribute__((target("avx2,fma"), always_inline)) inline

/// Options v[o..o+4), closed_option past n.
GEOSIM_AVX2 __m256d load_options(const double* v, std::size_t o, std::size_t n) {
  if (o + 4 <= n) return _mm256_loadu_pd(v + o);
  const __m256i lane = _mm256_setr_epi64x(0, 1, 2, 3);
  const __m256i inside = _mm256_cmpgt_epi64(_mm256_set1_epi64x(static_cast<long long>(n - o)), lane);
  return _mm256_blendv_pd(_mm256_set1_pd(closed_option), _mm256_maskload_pd(v + o, inside), _mm256_castsi256_pd(inside));
}

/// c0 + c1 r in each lane.
GEOSIM_AVX2 __m256d pair(__m256d r, double c0, double c1) { return _mm256_fmadd_pd(_mm256_set1_pd(c1), r, _mm256_set1_pd(c0)); }

/// exp(d) in each lane for d <= 0, within 2e-14 relative (below -708: e^-708, an absolute error
/// under 1e-307).
GEOSIM_AVX2 __m256d poly_exp(__m256d d) {
  const __m256d x = _mm256_max_pd(d, _mm256_set1_pd(-708.0));
  // x = k ln 2 + r with k an integer and |r| <= ln 2 / 2: adding 1.5 * 2^52 rounds x / ln 2 to an
  // integer held in the low bits of the sum.
  const __m256d magic = _mm256_set1_pd(0x1.8p52);
  const __m256d kd = _mm256_fmadd_pd(x, _mm256_set1_pd(0x1.71547652b82fep0), magic);
  const __m256d k = _mm256_sub_pd(kd, magic);
  __m256d r = _mm256_fnmadd_pd(k, _mm256_set1_pd(0x1.62e42fefa39efp-1), x);
  r = _mm256_fnmadd_pd(k, _mm256_set1_pd(0x1.abc9e3b39803fp-56), r);
  // Taylor series to r^11 (the remainder is below 7e-15 relative for |r| <= ln 2 / 2), as pairs
  // c_i + c_{i+1} r combined by powers of r (Estrin's scheme): a chain of 5 multiply-adds, not 11.
  const __m256d r2 = _mm256_mul_pd(r, r), r4 = _mm256_mul_pd(r2, r2), r8 = _mm256_mul_pd(r4, r4);
  const __m256d p0 = _mm256_fmadd_pd(pair(r, 0.5, 1.0 / 6), r2, pair(r, 1.0, 1.0));
  const __m256d p4 = _mm256_fmadd_pd(pair(r, 1.0 / 720, 1.0 / 5040), r2, pair(r, 1.0 / 24, 1.0 / 120));
  const __m256d p8 = _mm256_fmadd_pd(pair(r, 1.0 / 3628800, 1.0 / 39916800), r2, pair(r, 1.0 / 40320, 1.0 / 362880));
  const __m256d p = _mm256_fmadd_pd(p8, r8, _mm256_fmadd_pd(p4, r4, p0));
  // Times 2^k (k >= -1022 here), added to the exponent: the low bits of kd are k + 2^51, and the shift
  // drops the 2^51.
  const __m256i scale = _mm256_slli_epi64(_mm256_castpd_si256(kd), 52);
  return _mm256_castsi256_pd(_mm256_add_epi64(_mm256_castpd_si256(p), scale));
}

/// Running sums of the four lanes: x0, x0 + x1, x0 + x1 + x2, x0 + x1 + x2 + x3.
GEOSIM_AVX2 __m256d running_sums(__m256d x) {
  const __m256d shifted = _mm256_blend_pd(_mm256_permute4x64_pd(x, 0b10010000), _mm256_setzero_pd(), 0b0001);
  x = _mm256_add_pd(x, shifted);  // x0, x0 + x1, x1 + x2, x2 + x3
  return _mm256_add_pd(x, _mm256_permute2f128_pd(x, x, 0x08));
}

__attribute__((target("avx2,fma"))) void poly_exp_avx2(const double* d, std::size_t n, double* out) {
  std::size_t k = 0;
  for (; k + 4 <= n; k += 4) _mm256_storeu_pd(out + k, poly_exp(_mm256_loadu_pd(d + k)));
  for (; k < n; ++k) out[k] = _mm256_cvtsd_f64(poly_exp(_mm256_set1_pd(d[k])));
}

__attribute__((target("avx2,fma"))) std::size_t pick_fast_avx2(const double* v, std::size_t n, double u, double* a) {
  // The largest utility; a NaN anywhere leaves the pick to the exact path (as std::max treats it).
  __m256d top = _mm256_set1_pd(closed_option), nan = _mm256_setzero_pd();
  for (std::size_t o = 0; o < n; o += 4) {
    const __m256d x = load_options(v, o, n);
    top = _mm256_max_pd(top, x);
    nan = _mm256_or_pd(nan, _mm256_cmp_pd(x, x, _CMP_UNORD_Q));
  }
  if (_mm256_movemask_pd(nan)) return logit_undecided;
  top = _mm256_max_pd(top, _mm256_permute2f128_pd(top, top, 0x01));
  top = _mm256_max_pd(top, _mm256_permute_pd(top, 0b0101));
  const double best = _mm256_cvtsd_f64(top);
  if (best == closed_option) return n;
  if (!(best < std::numeric_limits<double>::infinity())) return logit_undecided;
  // exp(v - best), 0 for closed options.
  __m256d sum = _mm256_setzero_pd();
  const __m256d closed = _mm256_set1_pd(closed_option);
  for (std::size_t o = 0; o < n; o += 4) {
    const __m256d x = load_options(v, o, n), is_closed = _mm256_cmp_pd(x, closed, _CMP_EQ_OQ);
    if (_mm256_movemask_pd(is_closed) == 0b1111) {  // frozen versions are closed to nearly everybody
      _mm256_storeu_pd(a + o, _mm256_setzero_pd());   // a holds n + 3 values
      continue;
    }
    const __m256d e = _mm256_andnot_pd(is_closed, poly_exp(_mm256_sub_pd(x, _mm256_set1_pd(best))));
    _mm256_storeu_pd(a + o, e);
    sum = _mm256_add_pd(sum, e);
  }
  sum = _mm256_add_pd(sum, _mm256_permute2f128_pd(sum, sum, 0x01));
  const double total = _mm256_cvtsd_f64(_mm256_add_pd(sum, _mm256_permute_pd(sum, 0b0101)));
  if (!(total >= 1 && total < std::numeric_limits<double>::infinity())) return logit_undecided;
  // See logit_pick_fast for the margin. Past n the lanes hold 0 and repeat the last running sum, so
  // the first lane above the target is never one of them; nor a closed option (it repeats the sum
  // before it, and the target is not negative).
  const double target = u * total, margin = total * 0x1p-30;
  __m256d carry = _mm256_setzero_pd();
  for (std::size_t o = 0; o < n; o += 4) {
    const __m256d run = _mm256_add_pd(running_sums(_mm256_loadu_pd(a + o)), carry);
    const int above = _mm256_movemask_pd(_mm256_cmp_pd(_mm256_set1_pd(target), run, _CMP_LT_OQ));
    if (above) {
      alignas(32) double runs[4];
      _mm256_store_pd(runs, run);
      const int lane = std::countr_zero(static_cast<unsigned>(above));
      const double before = lane > 0 ? runs[lane - 1] : _mm256_cvtsd_f64(carry);
      return runs[lane] - target > margin && target - before > margin ? o + static_cast<std::size_t>(lane) : logit_undecided;
    }
    carry = _mm256_permute4x64_pd(run, 0xFF);
  }
  return logit_undecided;  // the target at the very top: rounding decides, so the exact path must
}
#undef GEOSIM_AVX2
#endif

}  // namespace

std::size_t logit_pick_exact(const double* v, std::size_t n, double u, double* e) {
  double best = closed_option;  // a NaN utility is open but never the largest, as std::max has it
  for (std::size_t o = 0; o < n; ++o)
    if (v[o] != closed_option) best = std::max(best, v[o]);
  if (best == closed_option) return n;
  double total = 0;
  for (std::size_t o = 0; o < n; ++o)
    if (v[o] != closed_option) total += (e[o] = std::exp(v[o] - best));
  const double target = u * total;
  double run = 0;
  std::size_t last = n;
  for (std::size_t o = 0; o < n; ++o) {
    if (v[o] == closed_option) continue;
    run += e[o];
    last = o;
    if (target < run) return o;
  }
  return last;  // rounding left the target at the very top
}

// Why the fast path's pick is the exact path's: each polynomial exp is within 2e-14 relative of the C
// library's (itself within an ulp of the true value), and a running sum of up to n terms, in any
// order, is within n * 2^-53 of its total; so every running sum, and the target, lie within 5e-13 *
// total of the exact path's for up to 2000 options (1000 labs, the most a scenario may have). The
// exact path's running sums grow with o as these do: a target more than 2^-30 * total (1e-9) above
// the previous running sum and below this one gives the same pick there.
std::size_t logit_pick_fast(const double* v, std::size_t n, double u, double* scratch) {
#ifdef GEOSIM_X86_SIMD
  if (logit_fast_path_available()) return pick_fast_avx2(v, n, u, scratch);
#endif
  (void)v, (void)n, (void)u, (void)scratch;
  return logit_undecided;
}

bool logit_fast_path_available() { return cpu_features().avx2 && cpu_features().fma; }

bool logit_poly_exp(const double* d, std::size_t n, double* out) {
#ifdef GEOSIM_X86_SIMD
  if (logit_fast_path_available()) {
    poly_exp_avx2(d, n, out);
    return true;
  }
#endif
  (void)d, (void)n, (void)out;
  return false;
}

std::size_t logit_pick(const double* v, std::size_t n, double u, double* scratch) {
  const std::size_t pick = logit_pick_fast(v, n, u, scratch);
  return pick != logit_undecided ? pick : logit_pick_exact(v, n, u, scratch);
}

}  // namespace geosim
