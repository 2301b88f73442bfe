#pragma once
// Sampling designs for sensitivity analysis on the unit cube: Saltelli's for Sobol indices and
// Morris's trajectories. Rows are samples; columns are parameters in [0, 1], to be scaled to ranges.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace geosim::analysis {

/// A design: `rows` samples of `dims` values in [0, 1], row-major.
struct Design {
  std::size_t rows = 0, dims = 0;
  std::vector<double> values;
  double at(std::size_t r, std::size_t d) const { return values[r * dims + d]; }
};

/// Saltelli's design for first-order and total Sobol indices: for each of `base` base points, the
/// rows A, AB_1 .. AB_dims, B (dims + 2 rows; AB_i is A with column i taken from B). A and B come
/// from counter-based random numbers keyed by `seed` (plain Monte Carlo, not quasi-random).
Design saltelli(std::size_t base, std::size_t dims, std::uint64_t seed);

/// Morris's elementary-effects design: `trajectories` one-at-a-time paths on a grid of `levels`
/// levels (even), each of dims + 1 rows, with step levels / (2 (levels - 1)).
Design morris(std::size_t trajectories, std::size_t dims, std::size_t levels, std::uint64_t seed);

}  // namespace geosim::analysis
