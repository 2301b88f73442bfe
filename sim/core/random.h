#pragma once
// Counter-based random numbers: every draw is a pure function of (seed, month, agent, purpose), so
// results cannot depend on which thread visits which agent, or in what order.
#include <Random123/philox.h>

#include <array>
#include <cmath>
#include <cstdint>

namespace geosim {

/// Why a draw is made; part of the counter so that different decisions never share random bits.
enum class Purpose : std::uint32_t {
  init_sector = 1,
  init_risk = 3,
  network = 4,
  choose = 7,
  step = 8,
  design = 9,
  calibration = 10,  // history matching: candidate points and their perturbations (analysis/calibration)
  attribution = 11,  // sampled orders of players for Shapley values (analysis/attribution)
};

/// Four independent 32-bit words from Philox4x32-10 for one (seed, month, agent, purpose).
inline std::array<std::uint32_t, 4> philox_words(std::uint64_t seed, std::uint32_t month, std::uint64_t agent, Purpose purpose,
                                                 std::uint32_t extra = 0) {
  using Rng = r123::Philox4x32;
  Rng rng;
  Rng::key_type key = {{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)}};
  Rng::ctr_type ctr = {{static_cast<std::uint32_t>(agent), static_cast<std::uint32_t>(agent >> 32), month,
                        (static_cast<std::uint32_t>(purpose) << 24) ^ extra}};
  Rng::ctr_type out = rng(ctr, key);
  return {out[0], out[1], out[2], out[3]};
}

/// Maps 32 random bits to a double in the open interval (0, 1).
inline double unit_open(std::uint32_t bits) {
  return (static_cast<double>(bits) + 0.5) * 0x1p-32;
}

/// The number of 32-bit words w for which unit_open(w) < x; so w < words_below(x) exactly when
/// unit_open(w) < x, and a test can be made on the word without converting it.
inline std::uint64_t words_below(double x) {
  // unit_open(w) < x  <=>  w + 0.5 < x 2^32 (scaling by a power of two is exact)  <=>  w < ceil(x 2^32 - 0.5).
  const double bound = std::ceil(x * 0x1p32 - 0.5);
  return bound <= 0 ? 0 : bound >= 0x1p32 ? std::uint64_t{1} << 32 : static_cast<std::uint64_t>(bound);
}

/// A standard normal from two 32-bit words (Box-Muller); deterministic and branch-free.
inline double standard_normal(std::uint32_t a, std::uint32_t b) {
  constexpr double two_pi = 6.283185307179586;
  return std::sqrt(-2.0 * std::log(unit_open(a))) * std::cos(two_pi * unit_open(b));
}

}  // namespace geosim
