#pragma once
// Sampling designs for sensitivity analysis on the unit cube: Saltelli's for Sobol indices and
// Morris's trajectories. Rows are samples; columns are parameters in [0, 1], to be scaled to ranges.
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace geosim::analysis {

/// A design: `rows` samples of `dims` values in [0, 1], row-major.
struct Design {
  std::size_t rows = 0, dims = 0;
  std::vector<double> values;
  double at(std::size_t r, std::size_t d) const { return values[r * dims + d]; }
};

/// The most rows a design may have: each is a run of the model, and the design is held in memory
/// (a sweep's plan keeps several copies of it). Larger requests are refused before anything is allocated.
inline constexpr std::size_t max_design_rows = 10'000'000;

/// `per_unit` x `units` rows (a Saltelli design: base points x (dims + 2); Morris: trajectories x
/// (dims + 1)), or nothing when that passes max_design_rows (computed without overflow).
std::optional<std::size_t> design_rows(std::size_t units, std::size_t per_unit);

/// Throws std::invalid_argument when a design of `rows` rows (counted in floating point, so that no
/// product overflows) of `dims` values exceeds max_design_rows or the memory limit (core/memory.h);
/// `what` describes it ("a Saltelli design of 4000000000 base points").
void check_design_size(const std::string& what, double rows, std::size_t dims);

/// Where the points of a design come from.
enum class Sequence {
  sobol_scrambled,  // the Sobol sequence, scrambled by `seed` (randomized quasi-Monte Carlo)
  sobol,            // the plain Sobol sequence from its second point (the first is the origin)
  random,           // plain Monte Carlo: counter-based random numbers keyed by `seed`
};

/// The sequence's name as written in files and on the command line, and back (throws on others).
const char* sequence_name(Sequence s);
Sequence parse_sequence(const std::string& name);

/// Saltelli's design for first-order and total Sobol indices: for each of `base` base points, the
/// rows A, AB_1 .. AB_dims, B (dims + 2 rows; AB_i is A with column i taken from B). Base point b's
/// A and B are the first and last `dims` coordinates of point b of a 2 * dims-dimensional sequence.
Design saltelli(std::size_t base, std::size_t dims, std::uint64_t seed, Sequence sequence = Sequence::sobol_scrambled);

/// `rows` points of a sequence in `dims` dimensions (a space-filling exploration design).
Design sequence_points(std::size_t rows, std::size_t dims, std::uint64_t seed, Sequence sequence);

/// A Latin hypercube of `rows` points: each column puts exactly one point in each of `rows` equal
/// strata, at a uniform position inside it; strata are matched across columns at random.
Design latin_hypercube(std::size_t rows, std::size_t dims, std::uint64_t seed);

/// Morris's elementary-effects design: `trajectories` one-at-a-time paths on a grid of `levels`
/// levels (even), each of dims + 1 rows, with step levels / (2 (levels - 1)).
Design morris(std::size_t trajectories, std::size_t dims, std::size_t levels, std::uint64_t seed);

}  // namespace geosim::analysis
