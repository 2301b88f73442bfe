#pragma once
// Who watches whom, in compressed sparse rows: the neighbours of adopter i are
// neighbours[offsets[i] .. offsets[i + 1]).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// The adopters' social network; empty for a well-mixed population.
struct Network {
  std::vector<std::uint32_t> offsets;     // count + 1 entries
  std::vector<std::uint32_t> neighbours;  // adopter indices

  bool well_mixed() const { return offsets.empty(); }
  std::span<const std::uint32_t> of(std::size_t i) const { return {neighbours.data() + offsets[i], neighbours.data() + offsets[i + 1]}; }
  std::size_t bytes() const { return offsets.capacity() * sizeof(std::uint32_t) + neighbours.capacity() * sizeof(std::uint32_t); }
};

/// Builds the network the population section asks for; a pure function of the scenario and seed.
Network make_network(const PopulationDef& population, std::uint64_t seed);

}  // namespace geosim
