#pragma once
// The Sobol low-discrepancy sequence in up to 32 dimensions, with Joe and Kuo's direction numbers,
// optionally scrambled (Matousek's random linear scramble plus a digital shift) for randomized
// quasi-Monte Carlo. Used by Saltelli's design and by sweeps.
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace geosim::analysis {

/// Generates points of the Sobol sequence; point(i) is a pure function of i (no state to advance).
class SobolSequence {
 public:
  /// Largest number of dimensions the built-in direction-number table supports.
  static constexpr std::size_t max_dims = 32;

  /// `dims` in [1, max_dims]; with `scramble`, each dimension gets its own random lower-triangular
  /// binary matrix and digital shift drawn from `seed`, which keeps the net properties.
  SobolSequence(std::size_t dims, bool scramble, std::uint64_t seed);

  std::size_t dims() const { return dims_; }
  /// Coordinates of point `index` in [0, 1). Unscrambled, point 0 is the origin.
  void point(std::uint64_t index, double* out) const;

 private:
  std::size_t dims_;
  std::vector<std::array<std::uint32_t, 32>> direction_;  // per dimension, v_1 .. v_32 (bit 31 = first digit)
  std::vector<std::uint32_t> shift_;
};

/// Whether the polynomial over GF(2) with these bits (bit k is the coefficient of x^k) is primitive;
/// the direction-number table's polynomials must all be (a test checks).
bool is_primitive_polynomial(std::uint32_t poly);

/// The primitive polynomial of dimension `d` (1-based, d >= 2) of the direction-number table.
std::uint32_t sobol_polynomial(std::size_t d);

}  // namespace geosim::analysis
