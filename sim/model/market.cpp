// Chips, prices and the options adopters choose among (docs/model.md 3.4, 3.6-3.8, 3.13).
#include "model/market.h"

#include <algorithm>
#include <cmath>

namespace geosim {
namespace {

double lookup(const std::map<std::string, double>& map, const std::string& id, double otherwise) {
  auto it = map.find(id);
  return it == map.end() ? otherwise : it->second;
}

/// Performance a buyer gets without any chips it may buy: serving still happens (on old or smuggled
/// hardware), at a small fraction of reference efficiency, so that prices stay finite.
constexpr double no_chip_perf = 0.05;

constexpr double min_price = 1e-9, max_price = 1e9;

}  // namespace

double bounded_price(double p) {
  return std::clamp(std::isnan(p) ? max_price : p, min_price, max_price);
}


Index::Index(const ScenarioDef& def) {
  for (const auto& lab : def.labs) {
    const int o = index_of_nation(def, lab.origin);
    lab_origin.push_back(o);
    lab_bloc.push_back(static_cast<std::uint8_t>(dominant_bloc(def.nations[static_cast<std::size_t>(o)])));
  }
  for (const auto& c : def.chipmakers) chip_origin.push_back(index_of_nation(def, c.origin));
  for (std::size_t j = 0; j < def.labs.size(); ++j) line_lab.push_back(j);
  for (const auto& line : def.lines) line_lab.push_back(static_cast<std::size_t>(index_of_lab(def, line.lab)));
}

int index_of_nation(const ScenarioDef& def, const std::string& id) {
  for (std::size_t i = 0; i < def.nations.size(); ++i)
    if (def.nations[i].id == id) return static_cast<int>(i);
  return -1;
}

int index_of_lab(const ScenarioDef& def, const std::string& id) {
  for (std::size_t i = 0; i < def.labs.size(); ++i)
    if (def.labs[i].id == id) return static_cast<int>(i);
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
      if (s >= 0 && s != idx.chip_origin[m] && contains(def.nations[static_cast<std::size_t>(s)].materials_export_ban, c.origin)) cut += share;
    }
    chips[m].supply = std::max(0.0, 1.0 - (1.0 - def.behaviour.materials_substitution) * std::min(1.0, cut));
  }
}

double effective_perf(const ScenarioDef& def, const std::vector<ChipState>& chips, std::size_t l, std::size_t m, std::size_t buyer) {
  const ChipmakerDef& c = def.chipmakers[m];
  const NationDef& nation = def.nations[buyer];
  if (contains(c.export_banned_to, nation.id) || contains(nation.chip_buy_ban, c.id)) return 0.0;
  const double fit = lookup(line_keys(def, l).affinity, c.id, 1.0);
  return c.perf_per_dollar * fit * chips[m].ecosystem * lookup(c.export_tier, nation.id, 1.0) / (1.0 + lookup(c.licence_fee, nation.id, 0.0));
}

ChipMarket make_chip_market(const ScenarioDef& def, const std::vector<ChipState>& chips) {
  const std::size_t L = line_count(def), N = def.nations.size(), M = def.chipmakers.size();
  const double theta = def.behaviour.chip_choice_sensitivity;
  ChipMarket market;
  market.nations = N;
  market.chipmakers = M;
  market.share.assign(L * N * M, 0.0);
  market.chip_perf.assign(L * N * M, 0.0);
  market.perf.assign(L * N, M == 0 ? 1.0 : no_chip_perf);
  market.buys.assign(L * N, 0);
  std::vector<double> w(M);
  for (std::size_t l = 0; l < L; ++l)
    for (std::size_t b = 0; b < N; ++b) {
      const std::size_t row = market.row(l, b);
      double* e = market.chip_perf.data() + row * M;
      double best = 0;
      for (std::size_t m = 0; m < M; ++m) best = std::max(best, e[m] = effective_perf(def, chips, l, m, b));
      if (best <= 0) continue;
      // Shares grow as performance to the power theta: computed against the best, so that none overflows.
      double total = 0;
      for (std::size_t m = 0; m < M; ++m) total += w[m] = e[m] > 0 ? std::exp(theta * (std::log(e[m]) - std::log(best))) : 0.0;
      double* s = market.share.data() + row * M;

      double perf = 0;
      for (std::size_t m = 0; m < M; ++m) perf += (s[m] = w[m] / total) * e[m];
      market.perf[row] = perf;
      market.buys[row] = 1;
    }
  return market;
}

double closed_price(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, std::size_t l) {
  const auto& b = def.behaviour;
  // Open lines of other labs within reach of this line's capability erode its markup.
  double open_near = 0;
  for (std::size_t k = 0; k < lines.size(); ++k) {
    const LineKeys& other = line_keys(def, k);
    if (idx.line_lab[k] != idx.line_lab[l] && other.open && other.active && lines[k].capability >= lines[l].capability - b.commoditization_window)
      open_near += lines[k].usage_share;
  }
  const double markup = line_keys(def, l).markup * std::max(0.0, 1.0 - b.commoditization * open_near);
  return bounded_price(lines[l].cost / lines[l].perf * (1 + markup) * (1 - def.labs[idx.line_lab[l]].subsidy));
}

double hosted_price(const ScenarioDef& def, const Index& idx, double cost, std::size_t l, double perf) {
  return bounded_price(cost / perf * (1 + def.behaviour.hosting_margin) * (1 - def.labs[idx.line_lab[l]].subsidy));
}

void set_prices(const ScenarioDef& def, const Index& idx, const ChipMarket& market, int months_done, std::vector<LineState>& lines) {
  const auto& b = def.behaviour;
  const double decline = std::pow(1.0 - b.cost_decline, static_cast<double>(months_done) / 12.0);
  for (std::size_t l = 0; l < lines.size(); ++l) {
    LineState& line = lines[l];
    const double cost = line_keys(def, l).cost;
    line.perf = market.perf[market.row(l, idx.line_origin(l))];
    line.cost = cost * decline * std::exp(b.capability_cost * (line.capability - line.start_capability));
    line.frozen_cost = cost * decline * std::exp(b.capability_cost * (line.frozen_capability - line.start_capability));
  }
  for (std::size_t l = 0; l < lines.size(); ++l)
    lines[l].price = line_keys(def, l).open ? hosted_price(def, idx, lines[l].cost, l, lines[l].perf) : closed_price(def, idx, lines, l);
}

ChoiceTables make_choice_tables(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, const ChipMarket& market,
                                const std::vector<double>& nation_risk) {
  const std::size_t N = def.nations.size(), L = lines.size(), S = sector_count, O = option_count(L);
  const auto& b = def.behaviour;
  ChoiceTables t;
  t.options = O;
  t.available.assign(N * S * O, 0);
  t.base_utility.assign(N * S * O, 0.0);
  t.risk.assign(N * S * O, 0.0);
  t.price.assign(N * O, 0.0);
  t.capability.assign(O, 0.0);
  t.chips.assign(N * O, 0);
  for (std::size_t l = 0; l < L; ++l) t.capability[l] = lines[l].capability, t.capability[L + l] = lines[l].frozen_capability;
  for (std::size_t n = 0; n < N; ++n) {
    const NationDef& nation = def.nations[n];
    for (std::size_t l = 0; l < L; ++l) {
      const LineKeys& keys = line_keys(def, l);
      const std::size_t origin = idx.line_origin(l);
      const double perceived = nation_risk[n * N + origin] * (1.0 - def.labs[idx.line_lab[l]].risk_discount);  // bans use the origin's full risk
      // Open weights run on chips their adopters' nation may buy; closed models on their lab's.
      const std::size_t hosted = market.row(l, n), own = market.row(l, origin);
      for (std::size_t frozen = 0; frozen < 2; ++frozen) {
        const std::size_t o = l + frozen * L;
        const bool open = frozen == 1 || keys.open;
        t.chips[n * O + o] = open ? hosted : own;
        t.price[n * O + o] = frozen == 1 ? hosted_price(def, idx, lines[l].frozen_cost, l, market.perf[hosted])
                             : open      ? hosted_price(def, idx, lines[l].cost, l, market.perf[hosted])
                                         : lines[l].price;
      }
      const bool denied = !keys.open && origin != n && contains(def.nations[origin].deny_frontier_access, nation.id);
      const double attributes = b.w_support * keys.support + b.w_compliance * keys.compliance + b.w_trust * keys.trust;
      for (std::size_t s = 0; s < S; ++s) {
        const bool banned = is_rival(nation_risk, N, n, origin, b.rival_threshold) && contains(nation.ban_rival_models_in, sector_names[s]);
        const std::size_t cell = (n * S + s) * O;
        const double risk = b.w_origin_risk * b.risk_weight[s] * perceived;
        t.available[cell + l] = keys.active && !(denied || banned);
        t.base_utility[cell + l] = b.w_capability * lines[l].capability - b.w_price * std::log(t.price[n * O + l]) +
                                   (keys.open ? b.w_openness * b.openness_weight[s] : 0.0) + b.attribute_weight[s] * attributes;
        t.risk[cell + l] = risk;
        // A frozen open version has no vendor behind it: no attributes; only its holders may keep it
        // (see World::update_adopters).
        t.available[cell + L + l] = lines[l].has_frozen && !banned;
        t.base_utility[cell + L + l] = b.w_capability * lines[l].frozen_capability - b.w_price * std::log(t.price[n * O + L + l]) +
                                       b.w_openness * b.openness_weight[s] + b.attribute_weight[s] * 0.0;
        t.risk[cell + L + l] = risk;
      }
    }
  }
  return t;
}

void advance_chipmakers(const ScenarioDef& def, const std::vector<LineState>& lines, std::vector<ChipState>& chips) {
  for (std::size_t m = 0; m < chips.size(); ++m) {
    // Models optimized for the platform: usage-weighted affinity of lines' current versions to it.
    double optimized = 0, used = 0;
    for (std::size_t l = 0; l < lines.size(); ++l) {
      optimized += lines[l].usage_share * lookup(line_keys(def, l).affinity, def.chipmakers[m].id, 1.0);
      used += lines[l].usage_share;
    }
    const double pull = 0.5 * (chips[m].usage + (used > 0 ? optimized / used : 0.0));
    chips[m].ecosystem += def.behaviour.ecosystem_growth * (1.0 - chips[m].ecosystem) * pull;
    // Fabs and supply chains expand toward the compute asked of the chipmaker, with a lag; they do not
    // shrink when demand falls.
    chips[m].capacity += def.behaviour.capacity_expansion * std::max(0.0, chips[m].demand - chips[m].capacity);
  }
}

}  // namespace geosim
