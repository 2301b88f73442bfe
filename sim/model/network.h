#pragma once
// Who watches whom, in compressed sparse rows: the neighbours of adopter i are
// neighbours[offsets[i] .. offsets[i + 1]). When every row has the same length (small_world) the offsets
// are implicit, row i starting at i * row_length: 4 bytes per adopter less, and no offset to fetch
// before the row itself, which matters when rows are read in a scattered order.
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// The adopters' social network; empty for a well-mixed population.
struct Network {
  std::vector<std::uint32_t> offsets;     // count + 1 entries; empty when rows have row_length entries each
  std::vector<std::uint32_t> neighbours;  // adopter indices
  std::size_t row_length = 0;             // entries per row when offsets is empty; 0 for no network

  bool well_mixed() const { return offsets.empty() && row_length == 0; }
  std::size_t row_begin(std::size_t i) const { return offsets.empty() ? i * row_length : offsets[i]; }
  std::size_t row_end(std::size_t i) const { return offsets.empty() ? (i + 1) * row_length : offsets[i + 1]; }
  std::span<const std::uint32_t> of(std::size_t i) const { return {neighbours.data() + row_begin(i), neighbours.data() + row_end(i)}; }
  std::size_t bytes() const { return offsets.capacity() * sizeof(std::uint32_t) + neighbours.capacity() * sizeof(std::uint32_t); }
};

/// Builds the network the population section asks for; a pure function of the scenario and seed.
/// Throws std::invalid_argument for a degree below 2 or not below the population, or an odd degree
/// for a small world.
Network make_network(const PopulationDef& population, std::uint64_t seed);

}  // namespace geosim
