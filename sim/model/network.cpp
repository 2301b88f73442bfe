#include "model/network.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "core/huge_pages.h"
#include "core/parallel.h"
#include "core/random.h"

namespace geosim {
namespace {

/// Watts-Strogatz: adopter i watches the degree/2 adopters on each side of it on a ring (mostly its
/// own nation, since nations occupy contiguous index ranges); each link is rewired with probability
/// `rewire` to a uniformly drawn adopter. Every row has exactly `degree` entries.
Network small_world(std::size_t n, int degree, double rewire, std::uint64_t seed) {
  Network net;
  const auto k = static_cast<std::size_t>(degree);
  net.row_length = k;
  assign_on_huge_pages(net.neighbours, n * k);
  parallel_for_range(n, 1 << 14, [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      for (std::size_t s = 0; s < k; ++s) {
        std::size_t step = s / 2 + 1;
        std::size_t j = (s % 2 == 0) ? (i + step) % n : (i + n - step % n) % n;
        auto w = philox_words(seed, 0, i, Purpose::network, static_cast<std::uint32_t>(s));
        if (unit_open(w[0]) < rewire) {
          j = static_cast<std::size_t>((static_cast<std::uint64_t>(w[1]) << 32 | w[2]) % (n - 1));
          if (j >= i) ++j;  // never oneself
        }
        net.neighbours[i * k + s] = static_cast<std::uint32_t>(j);
      }
    }
  });
  return net;
}

/// Barabasi-Albert preferential attachment with m = degree/2 links per new adopter, links undirected.
/// Sequential by nature; draws are keyed by (seed, adopter, attempt) so it is still reproducible.
Network scale_free(std::size_t n, int degree, std::uint64_t seed) {
  const std::size_t m = std::max<std::size_t>(1, static_cast<std::size_t>(degree) / 2);
  std::vector<std::uint32_t> ends;  // both ends of every link: picking from it is picking by degree
  ends.reserve(2 * m * n);
  // Seed graph: a clique on the first m + 1 adopters.
  const std::size_t core = std::min(n, m + 1);
  for (std::size_t a = 0; a < core; ++a)
    for (std::size_t b = a + 1; b < core; ++b) {
      ends.push_back(static_cast<std::uint32_t>(a));
      ends.push_back(static_cast<std::uint32_t>(b));
    }
  std::vector<std::uint32_t> picked;
  for (std::size_t t = core; t < n; ++t) {
    picked.clear();
    for (std::uint32_t attempt = 0; picked.size() < m; ++attempt) {
      auto w = philox_words(seed, 0, t, Purpose::network, attempt);
      std::uint32_t target = ends[(static_cast<std::uint64_t>(w[0]) << 32 | w[1]) % ends.size()];
      if (std::find(picked.begin(), picked.end(), target) == picked.end()) picked.push_back(target);
    }
    for (auto target : picked) {
      ends.push_back(static_cast<std::uint32_t>(t));
      ends.push_back(target);
    }
  }
  Network net;
  net.offsets.assign(n + 1, 0);
  for (auto e : ends) ++net.offsets[e + 1];
  for (std::size_t i = 0; i < n; ++i) net.offsets[i + 1] += net.offsets[i];
  net.neighbours.resize(ends.size());
  std::vector<std::uint32_t> fill(net.offsets.begin(), net.offsets.end() - 1);
  for (std::size_t e = 0; e < ends.size(); e += 2) {
    net.neighbours[fill[ends[e]]++] = ends[e + 1];
    net.neighbours[fill[ends[e + 1]]++] = ends[e];
  }
  return net;
}

}  // namespace

Network make_network(const PopulationDef& population, std::uint64_t seed) {
  const auto n = static_cast<std::size_t>(population.adopters);
  // The loader refuses these; a builder called another way must not build a lopsided ring, or loop
  // for ever looking for more distinct neighbours than there are adopters.
  if (population.network != NetworkKind::well_mixed) {
    if (population.degree < 2 || static_cast<std::size_t>(population.degree) >= n)
      throw std::invalid_argument("a network of degree " + std::to_string(population.degree) + " needs more than that many adopters (" +
                                  std::to_string(n) + ") and a degree of at least 2");
    if (population.network == NetworkKind::small_world && population.degree % 2 != 0)
      throw std::invalid_argument("a small world's degree must be even (degree/2 neighbours on each side of the ring), got " +
                                  std::to_string(population.degree));
  }
  switch (population.network) {
    case NetworkKind::well_mixed:
      return Network{};
    case NetworkKind::small_world:
      return small_world(n, population.degree, population.rewire, seed);
    case NetworkKind::scale_free:
      return scale_free(n, population.degree, seed);
  }
  return Network{};
}

}  // namespace geosim
