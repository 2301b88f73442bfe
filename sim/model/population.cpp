#include "model/population.h"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>
#include <string>

#include "core/huge_pages.h"
#include "core/parallel.h"
#include "core/random.h"

namespace geosim {

std::size_t Population::bytes() const {
  return nation.capacity() * sizeof(nation[0]) + sector.capacity() * sizeof(sector[0]) + risk.capacity() * sizeof(risk[0]) +
         choice[0].capacity() * sizeof(choice[0][0]) + choice[1].capacity() * sizeof(choice[1][0]) +
         weight[0].capacity() * sizeof(weight[0][0]) + weight[1].capacity() * sizeof(weight[1][0]);
}

std::vector<std::int64_t> adopters_per_nation(const ScenarioDef& def) {
  const auto n = def.nations.size();
  const std::int64_t total = def.population.adopters;
  double weight_sum = 0;
  for (const auto& nation : def.nations) weight_sum += nation.adopter_weight;
  std::vector<std::int64_t> count(n);
  std::vector<double> remainder(n);
  std::int64_t assigned = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double exact = static_cast<double>(total) * def.nations[i].adopter_weight / weight_sum;
    count[i] = static_cast<std::int64_t>(std::floor(exact));
    remainder[i] = exact - static_cast<double>(count[i]);
    assigned += count[i];
  }
  std::vector<std::size_t> order(n);
  std::iota(order.begin(), order.end(), 0);
  // Largest remainders first; ties go to the earlier nation so the split is reproducible.
  std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return remainder[a] > remainder[b]; });
  for (std::size_t k = 0; assigned < total; ++k, ++assigned) ++count[order[k % n]];
  return count;
}

Population make_population(const ScenarioDef& def) {
  const auto total = static_cast<std::size_t>(def.population.adopters);
  Population pop;
  assign_on_huge_pages(pop.nation, total);
  assign_on_huge_pages(pop.sector, total);
  assign_on_huge_pages(pop.weight[0], total);
  assign_on_huge_pages(pop.weight[1], total);
  assign_on_huge_pages(pop.risk, total);
  assign_on_huge_pages(pop.choice[0], total, no_model);
  assign_on_huge_pages(pop.choice[1], total, no_model);

  auto counts = adopters_per_nation(def);
  std::size_t at = 0;
  for (std::size_t n = 0; n < counts.size(); ++n) {
    std::fill_n(pop.nation.begin() + static_cast<std::ptrdiff_t>(at), counts[n], static_cast<std::uint8_t>(n));
    at += static_cast<std::size_t>(counts[n]);
  }

  const auto& sw = def.population.sector_weights;
  const double sw_total = sw[0] + sw[1] + sw[2];
  const double cut0 = sw[0] / sw_total, cut1 = (sw[0] + sw[1]) / sw_total;
  const double size_sigma = def.population.size_sigma, risk_sigma = def.population.risk_sigma;
  const std::uint64_t seed = def.seed;
  parallel_for_range(total, 1 << 14, [&](const tbb::blocked_range<std::size_t>& r) {
    for (std::size_t i = r.begin(); i != r.end(); ++i) {
      auto w = philox_words(seed, 0, i, Purpose::init_sector);
      double u = unit_open(w[0]);
      pop.sector[i] = static_cast<std::uint8_t>(u < cut0 ? 0 : u < cut1 ? 1 : 2);
      // Log-normal with mean 1: exp(sigma z - sigma^2 / 2).
      double z_size = standard_normal(w[1], w[2]);
      const float size = size_quantum(static_cast<float>(std::exp(size_sigma * z_size - 0.5 * size_sigma * size_sigma)));
      pop.weight[0][i] = pop.weight[1][i] = -size;  // nobody has adopted yet
      auto w2 = philox_words(seed, 0, i, Purpose::init_risk);
      double z_risk = standard_normal(w2[0], w2[1]);
      pop.risk[i] = static_cast<float>(std::exp(risk_sigma * z_risk - 0.5 * risk_sigma * risk_sigma));
    }
  });
  // Sums of sizes are exact in double precision only while the total stays within 2^32 (see size_quantum).
  double total_size = 0;
  for (float w : pop.weight[0]) total_size -= w;
  if (total_size > 0x1p32)
    throw std::invalid_argument("population: the adopters' sizes add up to " + std::to_string(total_size) +
                                ", above the 2^32 that exact usage sums allow; use fewer adopters or a smaller population.size_sigma");
  return pop;
}

}  // namespace geosim
