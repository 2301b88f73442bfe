#pragma once
// The adopter population as a structure of arrays: one contiguous array per field, indices not
// pointers. Hot fields (read or written every month) are the choice and weight buffers, nation and
// sector; risk is read only when an adopter chooses; the social network lives apart, in compressed
// sparse rows (network.h).
#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// Marks an adopter that uses no model yet.
inline constexpr std::uint16_t no_model = 0xFFFF;

/// Rounds a size to a multiple of 2^-20 (at least 2^-20). Sizes on that grid, with a total below 2^32,
/// add up exactly in double precision in any order: the usage sums can then be updated by each month's
/// changes alone, and still equal the sums over all adopters bit for bit.
inline float size_quantum(float size) {
  // Floats of 8 or more are already multiples of 2^-20; below 8 the rounded value fits a float's mantissa.
  return static_cast<float>(std::max(1.0, std::nearbyint(static_cast<double>(size) * 0x1p20)) * 0x1p-20);
}

/// All adopters, one array per field.
struct Population {
  std::vector<std::uint8_t> nation;  // index into ScenarioDef::nations
  std::vector<std::uint8_t> sector;  // Sector
  std::vector<float> risk;           // sensitivity to origin risk (mean 1)
  // choice[cur] holds last month's model per adopter, choice[1 - cur] receives this month's.
  std::array<std::vector<std::uint16_t>, 2> choice;
  // The adopter's size (weight of its AI usage, mean 1) signed by its state in the same month: +size
  // when it used a model, -size when not. Neighbours' Bass term then needs one array, not two: the
  // random reads of the network walk are the cost of a month.
  std::array<std::vector<float>, 2> weight;
  int cur = 0;

  std::size_t count() const { return nation.size(); }
  float size(std::size_t i) const { return std::fabs(weight[cur][i]); }
  /// Bytes held by the arrays (capacity, not estimates).
  std::size_t bytes() const;
};

/// Builds the population of a scenario: nations by contiguous blocks in proportion to their weights,
/// sector, size and risk drawn per adopter from counter-based random numbers. Nobody has adopted yet.
Population make_population(const ScenarioDef& def);

/// Number of adopters in each nation (largest-remainder rounding of the weights).
std::vector<std::int64_t> adopters_per_nation(const ScenarioDef& def);

}  // namespace geosim
