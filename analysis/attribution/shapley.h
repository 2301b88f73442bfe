#pragma once
// Shapley values of a what-if's effect over players (mechanisms, or the what-if's events): each
// player's share of the effect, averaged over every order in which the players could be added (Shapley
// 1953), and the pairwise interaction indices (Grabisch & Roubens 1999). Exact over all 2^k coalitions
// for k up to 12; above, by sampling orders (Castro, Gomez & Tejada 2009). docs/attribute.md.
#include <cstdint>
#include <functional>
#include <vector>

namespace geosim::attribution {

/// The most players attributed exactly (4,096 coalitions); more are sampled.
inline constexpr std::size_t kMaxExactPlayers = 12;

/// A coalition as a bit mask: bit i set when player i is in it.
using Coalition = std::uint32_t;

/// The coalitions whose values an attribution needs: all 2^k for an exact one (in increasing mask
/// order), or, for a sampled one, those the `orders` sampled permutations pass through (their prefixes),
/// in increasing mask order. `seed` draws the permutations (counter-based: the same seed, the same set).
std::vector<Coalition> coalitions_needed(std::size_t players, std::size_t orders, std::uint64_t seed);
/// The same for orders already sampled (all 2^k when `orders` is empty).
std::vector<Coalition> coalitions_needed(std::size_t players, const std::vector<std::vector<std::size_t>>& orders);

/// The sampled orders themselves (each a permutation of 0 .. players - 1); empty for an exact attribution.
std::vector<std::vector<std::size_t>> sampled_orders(std::size_t players, std::size_t orders, std::uint64_t seed);

/// Each player's Shapley value of the game v (v(mask) the value of a coalition): exact when `orders`
/// is empty, else the mean marginal contribution over those orders. Their sum is v(all) - v(none).
std::vector<double> shapley(std::size_t players, const std::function<double(Coalition)>& v, const std::vector<std::vector<std::size_t>>& orders = {});

/// The Shapley interaction index of each pair (i < j), row-major k x k (symmetric, 0 on the diagonal):
/// how much more i and j add together than apart, averaged over the coalitions of the others. Exact only.
std::vector<double> interactions(std::size_t players, const std::function<double(Coalition)>& v);

}  // namespace geosim::attribution
