#pragma once
// The adopter population as a structure of arrays: one contiguous array per field, indices not
// pointers. Hot fields (read or written every month) are the choice buffers, nation, sector, size and
// risk; the social network lives apart, in compressed sparse rows (network.h).
#include <array>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// Marks an adopter that uses no model yet.
inline constexpr std::uint16_t no_model = 0xFFFF;

/// All adopters, one array per field.
struct Population {
  std::vector<std::uint8_t> nation;  // index into ScenarioDef::nations
  std::vector<std::uint8_t> sector;  // Sector
  std::vector<float> size;           // weight of the adopter's AI usage (mean 1)
  std::vector<float> risk;           // sensitivity to origin risk (mean 1)
  // choice[cur] holds last month's model per adopter, choice[1 - cur] receives this month's.
  std::array<std::vector<std::uint16_t>, 2> choice;
  int cur = 0;

  std::size_t count() const { return nation.size(); }
  /// Bytes held by the arrays (capacity, not estimates).
  std::size_t bytes() const;
};

/// Builds the population of a scenario: nations by contiguous blocks in proportion to their weights,
/// sector, size and risk drawn per adopter from counter-based random numbers. Nobody has adopted yet.
Population make_population(const ScenarioDef& def);

/// Number of adopters in each nation (largest-remainder rounding of the weights).
std::vector<std::int64_t> adopters_per_nation(const ScenarioDef& def);

}  // namespace geosim
