#include "analysis/attribution/shapley.h"

#include <algorithm>
#include <bit>
#include <numeric>
#include <stdexcept>

#include "core/random.h"

namespace geosim::attribution {
namespace {

/// m! (k - m - 1)! / k!: the weight of a coalition of m others in player i's Shapley value.
std::vector<double> shapley_weights(std::size_t k) {
  std::vector<double> w(k);
  for (std::size_t m = 0; m < k; ++m) {
    double x = 1.0 / static_cast<double>(k);
    // 1 / (k C(k-1, m)), built as a product so that it stays exact to rounding for k up to 32.
    for (std::size_t i = 1; i <= m; ++i) x *= static_cast<double>(i) / static_cast<double>(k - i);
    w[m] = x;
  }
  return w;
}

}  // namespace

std::vector<std::vector<std::size_t>> sampled_orders(std::size_t players, std::size_t orders, std::uint64_t seed) {
  std::vector<std::vector<std::size_t>> out;
  if (players <= kMaxExactPlayers) return out;
  for (std::size_t o = 0; o < orders; ++o) {
    std::vector<std::size_t> perm(players);
    std::iota(perm.begin(), perm.end(), 0);
    // Fisher-Yates with counter-based draws: order o's shuffle depends only on (seed, o).
    for (std::size_t i = players - 1; i > 0; --i) {
      const auto w = philox_words(seed, static_cast<std::uint32_t>(i), o, Purpose::attribution);
      const auto j = static_cast<std::size_t>(unit_open(w[0]) * static_cast<double>(i + 1));
      std::swap(perm[i], perm[std::min(j, i)]);
    }
    out.push_back(std::move(perm));
  }
  return out;
}

std::vector<Coalition> coalitions_needed(std::size_t players, const std::vector<std::vector<std::size_t>>& orders) {
  if (players > 32) throw std::invalid_argument("attribution: at most 32 players");
  std::vector<Coalition> out;
  if (orders.empty()) {
    if (players > kMaxExactPlayers) throw std::invalid_argument("attribution: exact Shapley values take at most 12 players");
    for (Coalition c = 0; c < (Coalition{1} << players); ++c) out.push_back(c);
    return out;
  }
  out.push_back(0);
  for (const auto& order : orders) {
    Coalition c = 0;
    for (std::size_t p : order) out.push_back(c |= Coalition{1} << p);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

std::vector<Coalition> coalitions_needed(std::size_t players, std::size_t orders, std::uint64_t seed) {
  return coalitions_needed(players, sampled_orders(players, orders, seed));
}

std::vector<double> shapley(std::size_t k, const std::function<double(Coalition)>& v, const std::vector<std::vector<std::size_t>>& orders) {
  std::vector<double> phi(k, 0.0);
  if (orders.empty()) {
    if (k > kMaxExactPlayers) throw std::invalid_argument("attribution: exact Shapley values take at most 12 players");
    const auto w = shapley_weights(k);
    const Coalition all = (Coalition{1} << k) - 1;
    for (std::size_t i = 0; i < k; ++i) {
      const Coalition bit = Coalition{1} << i;
      for (Coalition s = 0; s <= all; ++s)
        if (!(s & bit)) phi[i] += w[static_cast<std::size_t>(std::popcount(s))] * (v(s | bit) - v(s));
    }
    return phi;
  }
  for (const auto& order : orders) {
    Coalition c = 0;
    double before = v(0);
    for (std::size_t p : order) {
      c |= Coalition{1} << p;
      const double after = v(c);
      phi[p] += after - before;
      before = after;
    }
  }
  for (double& x : phi) x /= static_cast<double>(orders.size());
  return phi;
}

std::vector<double> interactions(std::size_t k, const std::function<double(Coalition)>& v) {
  if (k > kMaxExactPlayers) throw std::invalid_argument("attribution: interaction indices take at most 12 players");
  std::vector<double> out(k * k, 0.0);
  if (k < 2) return out;
  // m! (k - m - 2)! / (k - 1)!: a coalition of m others weighs in a pair's interaction as in a
  // Shapley value of k - 1 players.
  const auto w = shapley_weights(k - 1);
  const Coalition all = (Coalition{1} << k) - 1;
  for (std::size_t i = 0; i < k; ++i)
    for (std::size_t j = i + 1; j < k; ++j) {
      const Coalition bi = Coalition{1} << i, bj = Coalition{1} << j;
      double sum = 0;
      for (Coalition s = 0; s <= all; ++s)
        if (!(s & bi) && !(s & bj)) sum += w[static_cast<std::size_t>(std::popcount(s))] * (v(s | bi | bj) - v(s | bi) - v(s | bj) + v(s));
      out[i * k + j] = out[j * k + i] = sum;
    }
  return out;
}

}  // namespace geosim::attribution
