// The network builders: the small world's ring and its rewiring, the scale-free graph's symmetry and
// degrees, determinism by seed and thread count, and the shapes they refuse.
#include <doctest/doctest.h>
#include <tbb/global_control.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <stdexcept>
#include <vector>

#include "model/network.h"

namespace {

geosim::PopulationDef population(geosim::NetworkKind kind, std::int64_t adopters, int degree, double rewire = 0) {
  geosim::PopulationDef p;
  p.adopters = adopters;
  p.network = kind;
  p.degree = degree;
  p.rewire = rewire;
  return p;
}

/// The ring neighbour a small world's link s of adopter i points to before rewiring.
std::size_t ring_target(std::size_t i, std::size_t s, std::size_t n) {
  const std::size_t step = s / 2 + 1;
  return s % 2 == 0 ? (i + step) % n : (i + n - step) % n;
}

/// How often each undirected pair appears in rows, counted from each end: a symmetric network
/// counts every pair as often from one end as from the other.
std::map<std::pair<std::uint32_t, std::uint32_t>, int> directed_counts(const geosim::Network& net, std::size_t n) {
  std::map<std::pair<std::uint32_t, std::uint32_t>, int> counts;
  for (std::size_t i = 0; i < n; ++i)
    for (auto j : net.of(i)) ++counts[{static_cast<std::uint32_t>(i), j}];
  return counts;
}

}  // namespace

TEST_CASE("a small world without rewiring is the ring: degree/2 neighbours on each side, symmetric, never oneself") {
  const std::size_t n = 1000;
  const int k = 6;
  const auto net = geosim::make_network(population(geosim::NetworkKind::small_world, n, k), 42);
  REQUIRE(net.row_length == static_cast<std::size_t>(k));
  CHECK(net.offsets.empty());
  REQUIRE(net.neighbours.size() == n * k);
  for (std::size_t i = 0; i < n; ++i) {
    const auto row = net.of(i);
    REQUIRE(row.size() == static_cast<std::size_t>(k));
    std::vector<std::uint32_t> expected = {static_cast<std::uint32_t>((i + 1) % n), static_cast<std::uint32_t>((i + n - 1) % n),
                                           static_cast<std::uint32_t>((i + 2) % n), static_cast<std::uint32_t>((i + n - 2) % n),
                                           static_cast<std::uint32_t>((i + 3) % n), static_cast<std::uint32_t>((i + n - 3) % n)};
    CHECK(std::vector<std::uint32_t>(row.begin(), row.end()) == expected);
  }
  const auto counts = directed_counts(net, n);
  for (const auto& [pair, c] : counts) {
    CHECK(pair.first != pair.second);
    const auto back = counts.find({pair.second, pair.first});
    REQUIRE(back != counts.end());
    CHECK(back->second == c);
  }
}

TEST_CASE("a small world rewires each link with its probability, within the sampling error, to anyone but oneself") {
  const std::size_t n = 20000;
  const int k = 8;
  for (double p : {0.05, 0.3, 1.0}) {
    INFO("rewire " << p);
    const auto net = geosim::make_network(population(geosim::NetworkKind::small_world, n, k, p), 7);
    std::size_t moved = 0;
    for (std::size_t i = 0; i < n; ++i) {
      const auto row = net.of(i);
      for (std::size_t s = 0; s < row.size(); ++s) {
        REQUIRE(row[s] < n);
        REQUIRE(row[s] != i);
        moved += row[s] != ring_target(i, s, n) ? 1 : 0;
      }
    }
    // A rewired link lands on its own ring target again with probability 1 / (n - 1).
    const double links = static_cast<double>(n * k), expected = p * (1 - 1.0 / static_cast<double>(n - 1));
    const double se = std::sqrt(std::max(expected * (1 - expected), 1e-12) / links);
    CHECK(std::fabs(static_cast<double>(moved) / links - expected) < 4 * se + 1e-9);
  }
}

TEST_CASE("a scale-free network is symmetric, has the Barabasi-Albert edge count, and a heavy tail of degrees") {
  const std::size_t n = 20000;
  const int degree = 6;
  const std::size_t m = degree / 2;
  const auto net = geosim::make_network(population(geosim::NetworkKind::scale_free, n, degree), 11);
  REQUIRE(net.offsets.size() == n + 1);
  // A clique on the first m + 1 adopters, then m links for each later one, each link in both rows.
  const std::size_t edges = (m + 1) * m / 2 + (n - m - 1) * m;
  CHECK(net.neighbours.size() == 2 * edges);
  const auto counts = directed_counts(net, n);
  for (const auto& [pair, c] : counts) {
    CHECK(pair.first != pair.second);
    CHECK(c == 1);  // a newcomer links to m distinct adopters
    const auto back = counts.find({pair.second, pair.first});
    REQUIRE(back != counts.end());
    CHECK(back->second == c);
  }
  std::size_t largest = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const std::size_t d = net.row_end(i) - net.row_begin(i);
    CHECK(d >= m);
    largest = std::max(largest, d);
  }
  const double mean = static_cast<double>(net.neighbours.size()) / static_cast<double>(n);
  CHECK(mean == doctest::Approx(2.0 * m).epsilon(0.01));
  // Preferential attachment: the best-connected adopter has tens of times the mean (a ring has none).
  CHECK(static_cast<double>(largest) > 10 * mean);
}

TEST_CASE("networks are a function of the seed alone, not of the thread count") {
  for (auto kind : {geosim::NetworkKind::small_world, geosim::NetworkKind::scale_free}) {
    const auto pop = population(kind, 50000, 8, 0.2);
    std::vector<std::uint32_t> one, four;
    {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 1);
      one = geosim::make_network(pop, 3).neighbours;
    }
    {
      tbb::global_control limit(tbb::global_control::max_allowed_parallelism, 4);
      four = geosim::make_network(pop, 3).neighbours;
    }
    CHECK(one == four);
    CHECK(geosim::make_network(pop, 4).neighbours != one);
  }
  CHECK(geosim::make_network(population(geosim::NetworkKind::well_mixed, 100, 8), 1).well_mixed());
}

TEST_CASE("the builders refuse an odd small-world degree and a degree the population cannot hold") {
  CHECK_THROWS_WITH_AS(geosim::make_network(population(geosim::NetworkKind::small_world, 100, 5), 1),
                       "a small world's degree must be even (degree/2 neighbours on each side of the ring), got 5", std::invalid_argument);
  CHECK_THROWS_AS(geosim::make_network(population(geosim::NetworkKind::small_world, 8, 8), 1), std::invalid_argument);
  CHECK_THROWS_AS(geosim::make_network(population(geosim::NetworkKind::scale_free, 6, 8), 1), std::invalid_argument);
  CHECK_THROWS_AS(geosim::make_network(population(geosim::NetworkKind::scale_free, 100, 0), 1), std::invalid_argument);
  CHECK_NOTHROW(geosim::make_network(population(geosim::NetworkKind::scale_free, 100, 7), 1));  // odd is fine there: m = 3
}
