// Chips, prices and the options adopters choose among.
#include <algorithm>
#include <cmath>

#include "model/labs.h"

namespace geosim {
namespace {

double affinity(const LabDef& lab, const std::string& chipmaker) {
  auto it = lab.affinity.find(chipmaker);
  return it == lab.affinity.end() ? 1.0 : it->second;
}

/// Performance a lab gets without any chips it may buy: serving still happens (on old or smuggled
/// hardware), at a small fraction of reference efficiency, so that prices stay finite.
constexpr double no_chip_perf = 0.05;

constexpr double min_price = 1e-9, max_price = 1e9;

/// The chipmaker with the best effective performance for lab j and buyer nation, and that performance.
std::pair<int, double> best_chip(const ScenarioDef& def, const std::vector<ChipState>& chips, std::size_t j, int buyer) {
  if (def.chipmakers.empty()) return {-1, 1.0};
  int best = -1;
  double perf = 0;
  for (std::size_t m = 0; m < def.chipmakers.size(); ++m) {
    double e = effective_perf(def, chips, j, m, buyer);
    if (e > perf) perf = e, best = static_cast<int>(m);
  }
  return {best, best < 0 ? no_chip_perf : perf};
}

/// Keeps a price within [10^-9, 10^9] USD per 1M tokens: far outside any real price, so that only
/// extreme parameter sets meet the bounds, which keep them finite (a cost can grow exponentially with
/// capability).
double bounded_price(double p) {
  return std::clamp(std::isnan(p) ? max_price : p, min_price, max_price);
}

}  // namespace

Index::Index(const ScenarioDef& def) {
  for (const auto& lab : def.labs) {
    int o = index_of_nation(def, lab.origin);
    lab_origin.push_back(o);
    lab_bloc.push_back(static_cast<std::uint8_t>(dominant_bloc(def.nations[static_cast<std::size_t>(o)])));
  }
  for (const auto& c : def.chipmakers) chip_origin.push_back(index_of_nation(def, c.origin));
}

int index_of_nation(const ScenarioDef& def, const std::string& id) {
  for (std::size_t i = 0; i < def.nations.size(); ++i)
    if (def.nations[i].id == id) return static_cast<int>(i);
  return -1;
}

int index_of_chipmaker(const ScenarioDef& def, const std::string& id) {
  for (std::size_t i = 0; i < def.chipmakers.size(); ++i)
    if (def.chipmakers[i].id == id) return static_cast<int>(i);
  return -1;
}

Bloc dominant_bloc(const NationDef& nation) {
  int best = 0;
  for (int b = 1; b < bloc_count; ++b)
    if (nation.bloc[b] > nation.bloc[best]) best = b;
  return static_cast<Bloc>(best);
}

std::vector<double> origin_risk(const ScenarioDef& def) {
  const auto& b = def.behaviour;
  const double h[3][3] = {{0, b.hostility_us_china, b.hostility_us_nonaligned},
                          {b.hostility_us_china, 0, b.hostility_china_nonaligned},
                          {b.hostility_us_nonaligned, b.hostility_china_nonaligned, 0}};
  const std::size_t n = def.nations.size();
  std::vector<double> risk(n * n);
  for (std::size_t v = 0; v < n; ++v) {
    const auto& bv = def.nations[v].bloc;
    double sv = bv[0] + bv[1] + bv[2];
    for (std::size_t o = 0; o < n; ++o) {
      const auto& bo = def.nations[o].bloc;
      double so = bo[0] + bo[1] + bo[2];
      double r = 0;
      for (int x = 0; x < 3; ++x)
        for (int y = 0; y < 3; ++y) r += bv[x] / sv * h[x][y] * bo[y] / so;
      risk[v * n + o] = v == o ? 0.0 : r;  // a nation's own labs carry no origin risk
    }
  }
  return risk;
}

void update_supply(const ScenarioDef& def, const Index& idx, std::vector<ChipState>& chips) {
  for (std::size_t m = 0; m < def.chipmakers.size(); ++m) {
    const ChipmakerDef& c = def.chipmakers[m];
    double cut = 0;
    for (const auto& [supplier, share] : c.materials_from) {
      int s = index_of_nation(def, supplier);
      if (s >= 0 && static_cast<std::size_t>(s) != static_cast<std::size_t>(idx.chip_origin[m]) &&
          contains(def.nations[static_cast<std::size_t>(s)].materials_export_ban, c.origin))
        cut += share;
    }
    chips[m].supply = std::max(0.0, 1.0 - (1.0 - def.behaviour.materials_substitution) * std::min(1.0, cut));
  }
}

double effective_perf(const ScenarioDef& def, const std::vector<ChipState>& chips, std::size_t j, std::size_t m, int buyer) {
  const ChipmakerDef& c = def.chipmakers[m];
  const std::string& buyer_id = buyer >= 0 ? def.nations[static_cast<std::size_t>(buyer)].id : def.labs[j].origin;
  if (contains(c.export_banned_to, buyer_id)) return 0.0;
  return c.perf_per_dollar * affinity(def.labs[j], c.id) * chips[m].ecosystem;
}

double closed_price(const ScenarioDef& def, const std::vector<LabState>& labs, std::size_t j) {
  const auto& b = def.behaviour;
  // Open usage within reach of this lab's capability erodes its markup.
  double open_near = 0;
  for (std::size_t k = 0; k < labs.size(); ++k)
    if (k != j && def.labs[k].open && labs[k].capability >= labs[j].capability - b.commoditization_window) open_near += labs[k].usage_share;
  double markup = def.labs[j].markup * std::max(0.0, 1.0 - b.commoditization * open_near);
  return bounded_price(labs[j].cost / labs[j].perf * (1 + markup) * (1 - def.labs[j].subsidy));
}

/// Price of open weights served by hosts at cost plus margin, less the lab's subsidy.
double hosted_price(const ScenarioDef& def, double cost, std::size_t j, double perf) {
  return bounded_price(cost / perf * (1 + def.behaviour.hosting_margin) * (1 - def.labs[j].subsidy));
}

void set_prices(const ScenarioDef& def, const std::vector<ChipState>& chips, int months_done, std::vector<LabState>& labs) {
  const auto& b = def.behaviour;
  const double decline = std::pow(1.0 - b.cost_decline, static_cast<double>(months_done) / 12.0);
  for (std::size_t j = 0; j < labs.size(); ++j) {
    auto [chip, perf] = best_chip(def, chips, j, -1);
    LabState& lab = labs[j];
    lab.chip = chip;
    lab.perf = perf;
    lab.cost = def.labs[j].cost * decline * std::exp(b.capability_cost * (lab.capability - def.labs[j].capability));
    lab.legacy_cost = def.labs[j].cost * decline * std::exp(b.capability_cost * (lab.legacy_capability - def.labs[j].capability));
  }
  for (std::size_t j = 0; j < labs.size(); ++j)
    labs[j].price = def.labs[j].open ? hosted_price(def, labs[j].cost, j, labs[j].perf) : closed_price(def, labs, j);
}

ChoiceTables make_choice_tables(const ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs,
                                const std::vector<ChipState>& chips, const std::vector<double>& nation_risk) {
  const std::size_t N = def.nations.size(), L = def.labs.size(), S = sector_count, O = option_count(L);
  const auto& b = def.behaviour;
  ChoiceTables t;
  t.options = O;
  t.available.assign(N * S * O, 0);
  t.base_utility.assign(N * S * O, 0.0);
  t.risk.assign(N * O, 0.0);
  t.price.assign(N * O, 0.0);
  t.hardware.assign(N * O, -1);
  for (std::size_t n = 0; n < N; ++n) {
    const NationDef& nation = def.nations[n];
    for (std::size_t j = 0; j < L; ++j) {
      const LabDef& lab = def.labs[j];
      const auto origin = static_cast<std::size_t>(idx.lab_origin[j]);
      const double risk = nation_risk[n * N + origin];
      // Open weights run wherever the adopter can buy chips; closed models run on the lab's.
      auto [chip, perf] = best_chip(def, chips, j, static_cast<int>(n));
      const double open_price = hosted_price(def, labs[j].cost, j, perf);
      const double legacy_price = hosted_price(def, labs[j].legacy_cost, j, perf);
      for (std::size_t legacy = 0; legacy < 2; ++legacy) {
        const std::size_t o = j + legacy * L;
        const bool open = legacy == 1 || lab.open;
        t.risk[n * O + o] = risk * (1.0 - lab.risk_discount);  // perceived risk; bans use the origin's
        t.price[n * O + o] = legacy == 1 ? legacy_price : open ? open_price : labs[j].price;
        t.hardware[n * O + o] = open ? chip : labs[j].chip;
      }
      const bool denied = !lab.open && origin != n &&
                          std::find(def.nations[origin].deny_frontier_access.begin(), def.nations[origin].deny_frontier_access.end(),
                                    nation.id) != def.nations[origin].deny_frontier_access.end();
      for (std::size_t s = 0; s < S; ++s) {
        const bool banned = origin != n && risk >= b.rival_threshold &&
                            std::find(nation.ban_rival_models_in.begin(), nation.ban_rival_models_in.end(), sector_names[s]) !=
                                nation.ban_rival_models_in.end();
        const std::size_t cell = (n * S + s) * O;
        t.available[cell + j] = !(denied || banned);
        t.base_utility[cell + j] = b.w_capability * labs[j].capability - b.w_price * std::log(t.price[n * O + j]) +
                                   (lab.open ? b.w_openness * b.openness_weight[s] : 0.0);
        // A frozen open version: only its current users may keep it (see World::update_adopters).
        t.available[cell + L + j] = labs[j].has_legacy && !banned;
        t.base_utility[cell + L + j] =
            b.w_capability * labs[j].legacy_capability - b.w_price * std::log(t.price[n * O + L + j]) + b.w_openness * b.openness_weight[s];
      }
    }
  }
  return t;
}

void advance_ecosystems(const ScenarioDef& def, const std::vector<LabState>& labs, std::vector<ChipState>& chips) {
  for (std::size_t m = 0; m < chips.size(); ++m) {
    // Models optimized for the platform: usage-weighted affinity of labs' models to it.
    double optimized = 0, used = 0;
    for (std::size_t j = 0; j < labs.size(); ++j) {
      optimized += labs[j].usage_share * affinity(def.labs[j], def.chipmakers[m].id);
      used += labs[j].usage_share;
    }
    double pull = 0.5 * (chips[m].usage + (used > 0 ? optimized / used : 0.0));
    chips[m].ecosystem += def.behaviour.ecosystem_growth * (1.0 - chips[m].ecosystem) * pull;
  }
}

}  // namespace geosim
