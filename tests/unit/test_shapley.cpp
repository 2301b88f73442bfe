// Shapley values and interactions against games whose answers are known: additive players get their
// own values, perfect substitutes split the credit evenly, a player that changes nothing gets 0, the
// shares always add up to the whole, and sampled orders agree with the exact values.
#include <doctest/doctest.h>

#include <bit>
#include <cmath>
#include <stdexcept>
#include <algorithm>

#include "analysis/attribution/shapley.h"

using namespace geosim::attribution;

TEST_CASE("an additive game gives each player its own value, and no interactions") {
  const double a[] = {1.5, -0.25, 4.0, 0.0};
  const auto v = [&](Coalition s) {
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += (s >> i & 1) ? a[i] : 0.0;
    return sum;
  };
  const auto phi = shapley(4, v);
  for (int i = 0; i < 4; ++i) CHECK(phi[static_cast<std::size_t>(i)] == doctest::Approx(a[i]).epsilon(1e-15));
  CHECK(phi[3] == 0.0);  // a player that changes nothing gets exactly 0
  for (double x : interactions(4, v)) CHECK(std::abs(x) < 1e-15);
}

TEST_CASE("two perfectly overlapping players split the credit evenly, and their interaction is negative") {
  // Either player alone gives the whole effect, 2; both together give no more. A third adds 1.
  const auto v = [](Coalition s) { return ((s & 3) ? 2.0 : 0.0) + ((s & 4) ? 1.0 : 0.0); };
  const auto phi = shapley(3, v);
  CHECK(phi[0] == 1.0);
  CHECK(phi[1] == 1.0);
  CHECK(phi[2] == 1.0);
  const auto inter = interactions(3, v);
  CHECK(inter[0 * 3 + 1] == -2.0);  // together they add 2 less than their sum apart
  CHECK(inter[1 * 3 + 0] == -2.0);
  CHECK(inter[0 * 3 + 2] == 0.0);
}

TEST_CASE("the shares add up to the whole game, and complements interact positively") {
  // Only the three together do anything (a conjunction), plus a fixed value with nobody.
  const auto v = [](Coalition s) { return 0.5 + (s == 7 ? 6.0 : 0.0); };
  const auto phi = shapley(3, v);
  CHECK(phi[0] + phi[1] + phi[2] == doctest::Approx(v(7) - v(0)));
  CHECK(phi[0] == doctest::Approx(2.0));
  CHECK(interactions(3, v)[0 * 3 + 1] > 0);
  // Weights of a 12-player game still add up: a random-looking game.
  const auto g = [](Coalition s) { return std::sin(static_cast<double>(s)) + static_cast<double>(std::popcount(s)); };
  const auto big = shapley(12, g);
  double sum = 0;
  for (double x : big) sum += x;
  CHECK(sum == doctest::Approx(g(4095) - g(0)).epsilon(1e-12));
}

TEST_CASE("more than 12 players are sampled by orders, which add up exactly and agree with an additive game") {
  CHECK(coalitions_needed(3, 0, 1).size() == 8);
  CHECK(coalitions_needed(12, 0, 1).size() == 4096);
  const std::size_t k = 14;
  const auto orders = sampled_orders(k, 50, 7);
  REQUIRE(orders.size() == 50);
  CHECK(orders == sampled_orders(k, 50, 7));   // counter-based: the same seed, the same orders
  CHECK(orders != sampled_orders(k, 50, 8));
  for (const auto& o : orders) {
    std::vector<int> seen(k, 0);
    for (std::size_t p : o) ++seen[p];
    CHECK(std::count(seen.begin(), seen.end(), 1) == static_cast<long>(k));  // a permutation
  }
  const auto needed = coalitions_needed(k, 50, 7);
  CHECK(needed.size() <= 50 * k + 1);
  CHECK(needed.front() == 0);
  const auto additive = [](Coalition s) {
    double sum = 0;
    for (std::size_t i = 0; i < 14; ++i) sum += (s >> i & 1) ? static_cast<double>(i) : 0.0;
    return sum;
  };
  const auto phi = shapley(k, additive, orders);
  for (std::size_t i = 0; i < k; ++i) CHECK(phi[i] == doctest::Approx(static_cast<double>(i)));
  // A game with interactions: each order's contributions telescope to the whole.
  const auto g = [](Coalition s) { return std::cos(static_cast<double>(s % 97)); };
  const auto sampled = shapley(k, g, orders);
  double sum = 0;
  for (double x : sampled) sum += x;
  CHECK(sum == doctest::Approx(g((1u << k) - 1) - g(0)).epsilon(1e-12));
  CHECK_THROWS_AS(shapley(13, g), std::invalid_argument);  // exact values stop at 12 players
}
