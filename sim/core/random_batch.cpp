#include "core/random_batch.h"

#include <algorithm>

#include "core/cpu.h"

namespace geosim {

namespace {

// Philox4x32's constants (Salmon et al. 2011, as Random123 defines them).
constexpr std::uint32_t mul0 = 0xD2511F53u, mul1 = 0xCD9E8D57u;
constexpr std::uint32_t weyl0 = 0x9E3779B9u, weyl1 = 0xBB67AE85u;
constexpr std::size_t lanes = philox_group;

std::uint32_t counter_word3(Purpose purpose, std::uint32_t extra) { return (static_cast<std::uint32_t>(purpose) << 24) ^ extra; }

/// One counter at a time, with Random123: the reference for the vector versions, and their stand-in
/// on other CPUs.
void words_below_scalar(std::uint64_t seed, std::uint32_t month, std::uint64_t first, std::size_t groups, Purpose purpose,
                        std::uint64_t bound, std::uint32_t* words, std::uint64_t* below) {
  for (std::size_t g = 0; g < groups; ++g) {
    std::uint64_t mask = 0;
    for (std::size_t l = 0; l < lanes; ++l) {
      const auto x = philox_words(seed, month, first + g * lanes + l, purpose);
      for (std::size_t w = 0; w < 4; ++w) {
        words[4 * lanes * g + lanes * w + l] = x[w];
        mask |= static_cast<std::uint64_t>(x[w] < bound) << (lanes * w + l);
      }
    }
    below[g] = mask;
  }
}

#ifdef GEOSIM_X86_SIMD
// The vector versions keep each 32-bit word in the low half of a 64-bit lane, so that one unsigned
// 32x32->64 multiply (pmuludq) gives a lane its whole product; the high halves collect junk that the
// multiplies and the final narrowing ignore.

// GCC 12 warns about the undefined first operand its own AVX-512 headers pass to masked builtins
// (GCC bug 105593); the code below has no uninitialized value.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"

/// Philox4x32-10 with AVX-512 for H registers of 64-bit counters c[h] (with counter words 2 and 3 set
/// to month and word3): word w of each lane's result in the low half of x[h][w].
template <int H>
__attribute__((target("avx512f"), always_inline)) inline void philox_avx512(const __m512i (&c)[H], std::uint32_t month, std::uint32_t word3,
                                                                            std::uint64_t seed, __m512i (&x)[H][4]) {
  for (int h = 0; h < H; ++h) {
    x[h][0] = c[h];                         // low half: counter mod 2^32
    x[h][1] = _mm512_srli_epi64(c[h], 32);  // counter / 2^32
    x[h][2] = _mm512_set1_epi64(month);
    x[h][3] = _mm512_set1_epi64(word3);
  }
  const __m512i m0 = _mm512_set1_epi64(mul0), m1 = _mm512_set1_epi64(mul1);
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    const __m512i key0 = _mm512_set1_epi64(k0), key1 = _mm512_set1_epi64(k1);
    for (int h = 0; h < H; ++h) {
      const __m512i p0 = _mm512_mul_epu32(x[h][0], m0), p1 = _mm512_mul_epu32(x[h][2], m1);
      x[h][0] = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p1, 32), x[h][1]), key0);
      x[h][2] = _mm512_xor_si512(_mm512_xor_si512(_mm512_srli_epi64(p0, 32), x[h][3]), key1);
      x[h][1] = p1;
      x[h][3] = p0;
    }
    k0 += weyl0;
    k1 += weyl1;
  }
}

/// The same with AVX2 (4 counters a register).
template <int H>
__attribute__((target("avx2"), always_inline)) inline void philox_avx2(const __m256i (&c)[H], std::uint32_t month, std::uint32_t word3,
                                                                       std::uint64_t seed, __m256i (&x)[H][4]) {
  for (int h = 0; h < H; ++h) {
    x[h][0] = c[h];
    x[h][1] = _mm256_srli_epi64(c[h], 32);
    x[h][2] = _mm256_set1_epi64x(month);
    x[h][3] = _mm256_set1_epi64x(word3);
  }
  const __m256i m0 = _mm256_set1_epi64x(mul0), m1 = _mm256_set1_epi64x(mul1);
  std::uint32_t k0 = static_cast<std::uint32_t>(seed), k1 = static_cast<std::uint32_t>(seed >> 32);
  for (int round = 0; round < 10; ++round) {
    const __m256i key0 = _mm256_set1_epi64x(k0), key1 = _mm256_set1_epi64x(k1);
    for (int h = 0; h < H; ++h) {
      const __m256i p0 = _mm256_mul_epu32(x[h][0], m0), p1 = _mm256_mul_epu32(x[h][2], m1);
      x[h][0] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p1, 32), x[h][1]), key0);
      x[h][2] = _mm256_xor_si256(_mm256_xor_si256(_mm256_srli_epi64(p0, 32), x[h][3]), key1);
      x[h][1] = p1;
      x[h][3] = p0;
    }
    k0 += weyl0;
    k1 += weyl1;
  }
}

/// AVX-512: two registers of 8 counters each.
__attribute__((target("avx512f"))) void words_below_avx512(std::uint64_t seed, std::uint32_t month, std::uint64_t first,
                                                            std::size_t groups, std::uint32_t word3, std::uint64_t bound,
                                                            std::uint32_t* words, std::uint64_t* below) {
  const __m512i limit = _mm512_set1_epi64(static_cast<long long>(bound));
  const __m512i step = _mm512_setr_epi64(0, 1, 2, 3, 4, 5, 6, 7), low32 = _mm512_set1_epi64(0xFFFFFFFFll);
  for (std::size_t g = 0; g < groups; ++g) {
    __m512i c[2], x[2][4];
    for (int h = 0; h < 2; ++h) c[h] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(first + g * lanes + 8 * h)), step);
    philox_avx512(c, month, word3, seed, x);
    std::uint64_t mask = 0;
    for (int w = 0; w < 4; ++w)
      for (int h = 0; h < 2; ++h) {
        _mm256_storeu_si256(reinterpret_cast<__m256i*>(words + 4 * lanes * g + lanes * w + 8 * h), _mm512_cvtepi64_epi32(x[h][w]));
        const __mmask8 m = _mm512_cmplt_epu64_mask(_mm512_and_si512(x[h][w], low32), limit);
        mask |= static_cast<std::uint64_t>(m) << (lanes * w + 8 * h);
      }
    below[g] = mask;
  }
}

/// AVX-512, word 0 only, for counters base + offsets[k]: two registers of 8 counters each, so that
/// the two chains of multiplies overlap.
__attribute__((target("avx512f"))) void first_words_avx512(std::uint64_t seed, std::uint32_t month, std::uint64_t base,
                                                            const std::uint32_t* offsets, std::size_t count, std::uint32_t word3,
                                                            std::uint32_t* out) {
  for (std::size_t k = 0; k < count; k += lanes) {
    const std::size_t n = std::min(lanes, count - k);
    alignas(32) std::uint32_t lane[lanes] = {};
    std::copy_n(offsets + k, n, lane);  // before any store: out may be offsets
    __m512i c[2], x[2][4];
    for (int h = 0; h < 2; ++h)
      c[h] = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(base)),
                              _mm512_cvtepu32_epi64(_mm256_load_si256(reinterpret_cast<const __m256i*>(lane + 8 * h))));
    philox_avx512(c, month, word3, seed, x);
    for (int h = 0; h < 2; ++h) _mm256_store_si256(reinterpret_cast<__m256i*>(lane + 8 * h), _mm512_cvtepi64_epi32(x[h][0]));
    std::copy_n(lane, n, out + k);
  }
}

#pragma GCC diagnostic pop

/// AVX2: four registers of 4 counters each.
__attribute__((target("avx2"))) void words_below_avx2(std::uint64_t seed, std::uint32_t month, std::uint64_t first, std::size_t groups,
                                                       std::uint32_t word3, std::uint64_t bound, std::uint32_t* words,
                                                       std::uint64_t* below) {
  const __m256i limit = _mm256_set1_epi64x(static_cast<long long>(bound));
  const __m256i step = _mm256_setr_epi64x(0, 1, 2, 3), low32 = _mm256_set1_epi64x(0xFFFFFFFFll);
  for (std::size_t g = 0; g < groups; ++g) {
    __m256i c[4], x[4][4];
    for (int h = 0; h < 4; ++h) c[h] = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(first + g * lanes + 4 * h)), step);
    philox_avx2(c, month, word3, seed, x);
    std::uint64_t mask = 0;
    for (int w = 0; w < 4; ++w)
      for (int h = 0; h < 4; ++h) {
        const __m256i word = _mm256_and_si256(x[h][w], low32);
        // Low halves of the four lanes, in order, into 128 bits.
        const __m256i packed = _mm256_permutevar8x32_epi32(word, _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0));
        _mm_storeu_si128(reinterpret_cast<__m128i*>(words + 4 * lanes * g + lanes * w + 4 * h), _mm256_castsi256_si128(packed));
        // Words and bound are below 2^33, so the signed 64-bit comparison is the unsigned one.
        const int m = _mm256_movemask_pd(_mm256_castsi256_pd(_mm256_cmpgt_epi64(limit, word)));
        mask |= static_cast<std::uint64_t>(m) << (lanes * w + 4 * h);
      }
    below[g] = mask;
  }
}

/// AVX2, word 0 only, for counters base + offsets[k]: four registers of 4 counters each.
__attribute__((target("avx2"))) void first_words_avx2(std::uint64_t seed, std::uint32_t month, std::uint64_t base,
                                                       const std::uint32_t* offsets, std::size_t count, std::uint32_t word3,
                                                       std::uint32_t* out) {
  const __m256i low_halves = _mm256_setr_epi32(0, 2, 4, 6, 0, 0, 0, 0);
  for (std::size_t k = 0; k < count; k += lanes) {
    const std::size_t n = std::min(lanes, count - k);
    alignas(16) std::uint32_t lane[lanes] = {};
    std::copy_n(offsets + k, n, lane);  // before any store: out may be offsets
    __m256i c[4], x[4][4];
    for (int h = 0; h < 4; ++h)
      c[h] = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(base)),
                              _mm256_cvtepu32_epi64(_mm_load_si128(reinterpret_cast<const __m128i*>(lane + 4 * h))));
    philox_avx2(c, month, word3, seed, x);
    for (int h = 0; h < 4; ++h)
      _mm_store_si128(reinterpret_cast<__m128i*>(lane + 4 * h),
                      _mm256_castsi256_si128(_mm256_permutevar8x32_epi32(x[h][0], low_halves)));
    std::copy_n(lane, n, out + k);
  }
}
#endif

}  // namespace

void philox_first_words(std::uint64_t seed, std::uint32_t month, std::uint64_t base, const std::uint32_t* offsets, std::size_t count,
                        Purpose purpose, std::uint32_t* out, int vector_bits) {
  const int bits = vector_bits < 0 ? philox_vector_bits() : std::min(vector_bits, philox_vector_bits());
#ifdef GEOSIM_X86_SIMD
  if (bits >= 512) return first_words_avx512(seed, month, base, offsets, count, counter_word3(purpose, 0), out);
  if (bits >= 256) return first_words_avx2(seed, month, base, offsets, count, counter_word3(purpose, 0), out);
#endif
  (void)bits;
  for (std::size_t k = 0; k < count; ++k) out[k] = philox_words(seed, month, base + offsets[k], purpose)[0];
}

int philox_vector_bits() { return cpu_features().avx512f ? 512 : cpu_features().avx2 ? 256 : 0; }

void philox_words_below(std::uint64_t seed, std::uint32_t month, std::uint64_t first, std::size_t groups, Purpose purpose,
                        std::uint64_t bound, std::uint32_t* words, std::uint64_t* below, int vector_bits) {
  const int bits = vector_bits < 0 ? philox_vector_bits() : std::min(vector_bits, philox_vector_bits());
#ifdef GEOSIM_X86_SIMD
  const std::uint32_t word3 = counter_word3(purpose, 0);
  if (bits >= 512) return words_below_avx512(seed, month, first, groups, word3, bound, words, below);
  if (bits >= 256) return words_below_avx2(seed, month, first, groups, word3, bound, words, below);
#endif
  (void)bits;
  words_below_scalar(seed, month, first, groups, purpose, bound, words, below);
}

}  // namespace geosim
