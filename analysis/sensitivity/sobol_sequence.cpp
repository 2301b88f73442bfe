#include "analysis/sensitivity/sobol_sequence.h"

#include <bit>
#include <stdexcept>
#include <string>

#include "core/random.h"

namespace geosim::analysis {
namespace {

/// One dimension of the table: degree s of the primitive polynomial, its inner coefficients a (the
/// coefficients of x^(s-1) .. x^1, most significant first) and the initial direction numbers m_1..m_s.
struct DirectionSeed {
  unsigned s, a;
  std::array<std::uint32_t, 8> m;
};

// Dimensions 2 to 32 of Joe and Kuo's table new-joe-kuo-6.21201 (S. Joe and F. Y. Kuo, "Constructing
// Sobol sequences with better two-dimensional projections", SIAM J. Sci. Comput. 30, 2635-2654, 2008;
// the table is published at https://web.maths.unsw.edu.au/~fkuo/sobol/). Dimension 1 needs no seed.
constexpr DirectionSeed kSeeds[] = {
    {1, 0, {1}},
    {2, 1, {1, 3}},
    {3, 1, {1, 3, 1}},
    {3, 2, {1, 1, 1}},
    {4, 1, {1, 1, 3, 3}},
    {4, 4, {1, 3, 5, 13}},
    {5, 2, {1, 1, 5, 5, 17}},
    {5, 4, {1, 1, 5, 5, 5}},
    {5, 7, {1, 1, 7, 11, 19}},
    {5, 11, {1, 1, 5, 1, 1}},
    {5, 13, {1, 1, 1, 3, 11}},
    {5, 14, {1, 3, 5, 5, 31}},
    {6, 1, {1, 3, 3, 9, 7, 49}},
    {6, 13, {1, 1, 1, 15, 21, 21}},
    {6, 16, {1, 3, 1, 13, 27, 49}},
    {6, 19, {1, 1, 1, 15, 7, 5}},
    {6, 22, {1, 3, 1, 15, 13, 25}},
    {6, 25, {1, 1, 5, 5, 19, 61}},
    {7, 1, {1, 3, 7, 11, 23, 15, 103}},
    {7, 4, {1, 3, 7, 13, 13, 15, 69}},
    {7, 7, {1, 1, 3, 13, 7, 35, 63}},
    {7, 8, {1, 3, 5, 9, 1, 25, 53}},
    {7, 14, {1, 3, 1, 13, 9, 35, 107}},
    {7, 19, {1, 3, 1, 5, 27, 61, 31}},
    {7, 21, {1, 1, 5, 11, 19, 41, 61}},
    {7, 28, {1, 3, 5, 3, 3, 13, 69}},
    {7, 31, {1, 1, 7, 13, 1, 19, 1}},
    {7, 32, {1, 3, 7, 5, 13, 19, 59}},
    {7, 37, {1, 1, 3, 9, 25, 29, 41}},
    {7, 41, {1, 3, 5, 13, 23, 1, 55}},
    {7, 42, {1, 3, 7, 3, 13, 59, 17}},
};
static_assert(std::size(kSeeds) + 1 == SobolSequence::max_dims);

/// Direction numbers v_1..v_32 of one dimension (1-based d), as 32-bit fractions.
std::array<std::uint32_t, 32> directions(std::size_t d) {
  std::array<std::uint32_t, 32> v{};
  if (d == 1) {
    for (unsigned k = 0; k < 32; ++k) v[k] = 1u << (31 - k);
    return v;
  }
  const DirectionSeed& seed = kSeeds[d - 2];
  std::array<std::uint32_t, 33> m{};  // m[1..32]
  for (unsigned k = 1; k <= seed.s; ++k) m[k] = seed.m[k - 1];
  // m_k = 2 a_1 m_(k-1) ^ 4 a_2 m_(k-2) ^ ... ^ 2^(s-1) a_(s-1) m_(k-s+1) ^ 2^s m_(k-s) ^ m_(k-s)
  for (unsigned k = seed.s + 1; k <= 32; ++k) {
    std::uint32_t next = m[k - seed.s] ^ (m[k - seed.s] << seed.s);
    for (unsigned j = 1; j < seed.s; ++j)
      if ((seed.a >> (seed.s - 1 - j)) & 1u) next ^= m[k - j] << j;
    m[k] = next;
  }
  for (unsigned k = 1; k <= 32; ++k) v[k - 1] = m[k] << (32 - k);
  return v;
}

/// Multiplies x (bit 31 = first binary digit) by a lower-triangular binary matrix given by its rows.
std::uint32_t apply_rows(const std::array<std::uint32_t, 32>& rows, std::uint32_t x) {
  std::uint32_t y = 0;
  for (unsigned r = 0; r < 32; ++r)
    if (std::popcount(rows[r] & x) & 1) y |= 1u << (31 - r);
  return y;
}

}  // namespace

std::uint32_t sobol_polynomial(std::size_t d) {
  if (d < 2 || d > SobolSequence::max_dims) throw std::out_of_range("no Sobol polynomial for dimension " + std::to_string(d));
  const DirectionSeed& seed = kSeeds[d - 2];
  return (1u << seed.s) | (seed.a << 1) | 1u;
}

bool is_primitive_polynomial(std::uint32_t poly) {
  const int degree = 31 - std::countl_zero(poly);
  if (degree < 1 || !(poly & 1u)) return false;
  auto mulmod = [&](std::uint32_t a, std::uint32_t b) {  // a * b in GF(2)[x] / poly, a reduced
    std::uint32_t r = 0;
    for (; b; b >>= 1) {
      if (b & 1u) r ^= a;
      a <<= 1;
      if (a >> degree & 1u) a ^= poly;
    }
    return r;
  };
  auto x_to = [&](std::uint64_t e) {
    std::uint32_t result = 1, base = mulmod(1, 2);  // x reduced modulo poly
    for (; e; e >>= 1) {
      if (e & 1) result = mulmod(result, base);
      base = mulmod(base, base);
    }
    return result;
  };
  // Primitive: x has order exactly 2^degree - 1, so x^order = 1 and x^(order / p) != 1 for every
  // prime p dividing the order (a reducible poly leaves fewer units, so x cannot reach that order).
  const std::uint64_t order = (1ull << degree) - 1;
  if (x_to(order) != 1) return false;
  std::uint64_t rest = order;
  for (std::uint64_t p = 2; p <= rest; ++p) {
    if (p * p > rest) p = rest;  // what is left is prime
    if (rest % p) continue;
    if (x_to(order / p) == 1) return false;
    while (rest % p == 0) rest /= p;
  }
  return true;
}

SobolSequence::SobolSequence(std::size_t dims, bool scramble, std::uint64_t seed) : dims_(dims) {
  if (dims < 1 || dims > max_dims)
    throw std::invalid_argument("the Sobol sequence has direction numbers for 1 to " + std::to_string(max_dims) + " dimensions, not " +
                                std::to_string(dims));
  direction_.resize(dims);
  shift_.assign(dims, 0);
  for (std::size_t d = 0; d < dims; ++d) {
    direction_[d] = directions(d + 1);
    if (!scramble) continue;
    // Row r of the matrix: a one on the diagonal, random bits left of it (earlier digits), none right.
    std::array<std::uint32_t, 32> rows{};
    for (unsigned r = 0; r < 32; ++r) {
      const std::uint32_t bits = philox_words(seed, 11, d, Purpose::design, r)[0];
      const std::uint32_t above = r == 0 ? 0u : ~0u << (32 - r);  // digits 1..r (bits 31 .. 32-r)
      rows[r] = (bits & above) | (1u << (31 - r));
    }
    for (auto& v : direction_[d]) v = apply_rows(rows, v);
    shift_[d] = philox_words(seed, 12, d, Purpose::design)[0];
  }
}

void SobolSequence::point(std::uint64_t index, double* out) const {
  if (index >> 32) throw std::out_of_range("the Sobol sequence here has 2^32 points");
  for (std::size_t d = 0; d < dims_; ++d) {
    std::uint32_t x = shift_[d];
    for (std::uint64_t i = index, k = 0; i; i >>= 1, ++k)
      if (i & 1) x ^= direction_[d][k];
    out[d] = static_cast<double>(x) * 0x1p-32;
  }
}

}  // namespace geosim::analysis
