#pragma once
// The Bass term's walk over a non-adopter's neighbours: the total of their sizes and the part of it
// that uses a model, from the signed weights (A_i of docs/model.md 3.9). With AVX2 the weights of eight
// neighbours are gathered at once. Sizes lie on the 2^-20 grid, so both sums are exact and the order
// of addition cannot change them: every path gives the same numbers (tests/unit/test_world.cpp).
#include <cstddef>
#include <cstdint>

namespace geosim {

/// Sums over the adopters row[0..len) of |weight[k]| (total) and of max(weight[k], 0) (adopted).
struct NeighbourSums {
  double total = 0, adopted = 0;
};

/// neighbour_sums with the widest vectors this CPU has, or none when `vectors` is false (for tests).
NeighbourSums neighbour_sums(const std::uint32_t* row, std::size_t len, const float* weight, bool vectors = true);

}  // namespace geosim
