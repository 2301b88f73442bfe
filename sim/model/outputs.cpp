// A month's outputs (docs/outputs.md defines each metric).
#include <algorithm>
#include <cmath>

#include "model/world.h"

namespace geosim {

void World::compute_outputs(const ChoiceTables& tables) {
  const std::size_t N = def_.nations.size(), L = def_.labs.size(), S = sector_count, O = usage_.options - 1;
  outputs_.clear();
  auto emit = [&](const std::string& scope, const std::string& metric, double v) { outputs_.push_back({scope, metric, v}); };
  auto ratio = [](double a, double b) { return b > 0 ? a / b : 0.0; };

  // Weight per (nation, option), totals, counts.
  std::vector<double> on(N * O, 0.0), nation_total(N, 0.0), nation_adopted(N, 0.0);
  std::int64_t using_count = 0, all_count = 0, stranded_count = 0;
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t s = 0; s < S; ++s)
      for (std::size_t o = 0; o <= O; ++o) {
        const std::size_t c = (n * S + s) * usage_.options + o;
        nation_total[n] += usage_.weight[c];
        all_count += usage_.count[c];
        if (o == O) continue;
        on[n * O + o] += usage_.weight[c];
        nation_adopted[n] += usage_.weight[c];
        using_count += usage_.count[c];
        if (o >= L) stranded_count += usage_.count[c];
      }
  std::vector<double> world_on(O, 0.0);
  double world_total = 0, world_adopted = 0;
  for (std::size_t n = 0; n < N; ++n) {
    world_total += nation_total[n];
    world_adopted += nation_adopted[n];
    for (std::size_t o = 0; o < O; ++o) world_on[o] += on[n * O + o];
  }

  // Shares by origin bloc and openness, influence by origin bloc, stranded share, price paid.
  struct Mix {
    double share[bloc_count][2] = {};
    double influence[bloc_count] = {};
    double stranded = 0, rival_model = 0, rival_hw = 0, price = 0;
  };
  const double threshold = def_.behaviour.rival_threshold;
  auto mix_of = [&](const double* by_option, int viewer) {
    Mix m;
    for (std::size_t o = 0; o < O; ++o) {
      const std::size_t j = o % L;
      const bool open = o >= L || def_.labs[j].open;
      const double w = by_option[o];
      m.share[idx_.lab_bloc[j]][open ? 1 : 0] += w;
      m.influence[idx_.lab_bloc[j]] += w;
      if (o >= L) m.stranded += w;
      if (viewer < 0) continue;
      const auto n = static_cast<std::size_t>(viewer);
      const auto origin = static_cast<std::size_t>(idx_.lab_origin[j]);
      if (origin != n && nation_risk_[n * N + origin] >= threshold) m.rival_model += w;
      const int chip = tables.hardware[n * O + o];
      if (chip >= 0) {
        const auto chip_origin = static_cast<std::size_t>(idx_.chip_origin[static_cast<std::size_t>(chip)]);
        if (chip_origin != n && nation_risk_[n * N + chip_origin] >= threshold) m.rival_hw += w;
      }
      m.price += w * tables.price[n * O + o];
    }
    return m;
  };
  auto emit_mix = [&](const std::string& scope, const Mix& m, double adopted) {
    for (int bl = 0; bl < bloc_count; ++bl)
      for (int open = 0; open < 2; ++open)
        emit(scope, std::string("usage_share.") + bloc_names[bl] + (open ? "_open" : "_closed"), ratio(m.share[bl][open], adopted));
    for (int bl = 0; bl < bloc_count; ++bl) emit(scope, std::string("influence.") + bloc_names[bl], ratio(m.influence[bl], adopted));
    emit(scope, "stranded_share", ratio(m.stranded, adopted));
  };

  // World.
  const std::string world = "world";
  emit(world, "adoption", ratio(world_adopted, world_total));
  emit(world, "adopters_using", static_cast<double>(using_count));
  emit(world, "adopters_total", static_cast<double>(all_count));
  emit(world, "stranded_adopters", static_cast<double>(stranded_count));
  emit_mix(world, mix_of(world_on.data(), -1), world_adopted);
  double best_bloc[bloc_count], best_open = -1, best_closed = -1, frontier = -1;
  std::fill(best_bloc, best_bloc + bloc_count, -1.0);
  double price_paid = 0, price_plain = 0, revenue_closed = 0, value_closed = 0;
  for (std::size_t j = 0; j < L; ++j) {
    const double c = labs_[j].capability;
    best_bloc[idx_.lab_bloc[j]] = std::max(best_bloc[idx_.lab_bloc[j]], c);
    double& best_kind = def_.labs[j].open ? best_open : best_closed;
    best_kind = std::max(best_kind, c);
    frontier = std::max(frontier, c);
    price_plain += labs_[j].price / static_cast<double>(L);
    if (!def_.labs[j].open) revenue_closed += labs_[j].revenue, value_closed += labs_[j].valuation;
  }
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t o = 0; o < O; ++o) price_paid += on[n * O + o] * tables.price[n * O + o];
  if (closed_value_start_ < 0) closed_value_start_ = value_closed;
  emit(world, "frontier_capability", frontier);
  if (best_bloc[0] >= 0 && best_bloc[1] >= 0) emit(world, "capability_gap_us_china", best_bloc[0] - best_bloc[1]);
  if (best_open >= 0 && best_closed >= 0) emit(world, "open_closed_lag", best_closed - best_open);
  emit(world, "price_index", world_adopted > 0 ? price_paid / world_adopted : price_plain);
  emit(world, "revenue_closed_labs", revenue_closed);
  // Price of the start's frontier capability: each lab's price scaled back along its cost curve to
  // that capability; the cheapest lab that has reached it sets the price.
  double fixed = 0;
  for (std::size_t j = 0; j < L; ++j)
    if (labs_[j].capability >= start_frontier_) {
      const double p = labs_[j].price * std::exp(-def_.behaviour.capability_cost * (labs_[j].capability - start_frontier_));
      fixed = fixed == 0 ? p : std::min(fixed, p);
    }
  if (fixed > 0) emit(world, "price_fixed_capability", fixed);
  emit(world, "closed_value_index", closed_value_start_ > 0 ? value_closed / closed_value_start_ : 0.0);
  double demand = 0, delivered = 0, unconstrained = 0;
  for (std::size_t m = 0; m < chips_.size(); ++m) {
    const double cap = def_.chipmakers[m].capacity;
    demand += chips_[m].demand;
    unconstrained += std::min(chips_[m].demand, cap);
    delivered += std::min(chips_[m].demand, cap * chips_[m].supply);
  }
  emit(world, "compute_lost_materials", ratio(unconstrained - delivered, demand));

  // Share of open options in each sector's adopted weight (enterprise adoption of open models).
  for (std::size_t sec = 0; sec < S; ++sec) {
    double open = 0, adopted = 0;
    for (std::size_t n = 0; n < N; ++n)
      for (std::size_t o = 0; o < O; ++o) {
        const double w = usage_.weight[(n * S + sec) * usage_.options + o];
        adopted += w;
        if (o >= L || def_.labs[o].open) open += w;
      }
    emit(world, std::string("open_share.") + sector_names[sec], ratio(open, adopted));
  }

  // Nations.
  for (std::size_t n = 0; n < N; ++n) {
    const std::string scope = "nation:" + def_.nations[n].id;
    const Mix m = mix_of(on.data() + n * O, static_cast<int>(n));
    emit(scope, "adoption", ratio(nation_adopted[n], nation_total[n]));
    emit_mix(scope, m, nation_adopted[n]);
    nations_[n].rival_dependency = ratio(m.rival_model, nation_adopted[n]);
    emit(scope, "rival_model_dependency", nations_[n].rival_dependency);
    emit(scope, "rival_hardware_dependency", ratio(m.rival_hw, nation_adopted[n]));
    emit(scope, "price_index", ratio(m.price, nation_adopted[n]));
    emit(scope, "rule_ban_active", nations_[n].rule_active ? 1.0 : 0.0);
    // Whose chips the nation's AI work runs on.
    std::vector<double> on_chip(chips_.size(), 0.0);
    for (std::size_t o = 0; o < O; ++o)
      if (const int chip = tables.hardware[n * O + o]; chip >= 0) on_chip[static_cast<std::size_t>(chip)] += on[n * O + o];
    for (std::size_t c = 0; c < chips_.size(); ++c)
      emit(scope, "chip_share." + def_.chipmakers[c].id, ratio(on_chip[c], nation_adopted[n]));
  }

  // Labs.
  for (std::size_t j = 0; j < L; ++j) {
    const std::string scope = "lab:" + def_.labs[j].id;
    emit(scope, "usage_share", ratio(world_on[j], world_adopted));
    emit(scope, "stranded_share", ratio(world_on[L + j], world_adopted));
    emit(scope, "capability", labs_[j].capability);
    emit(scope, "price", labs_[j].price);
    emit(scope, "revenue", labs_[j].revenue);
    emit(scope, "valuation", labs_[j].valuation);
    emit(scope, "compute_factor", labs_[j].compute_factor);
    emit(scope, "open", def_.labs[j].open ? 1.0 : 0.0);
  }

  // Chipmakers.
  for (std::size_t m = 0; m < chips_.size(); ++m) {
    const std::string scope = "chipmaker:" + def_.chipmakers[m].id;
    emit(scope, "compute_share", chips_[m].usage);
    emit(scope, "ecosystem", chips_[m].ecosystem);
    emit(scope, "supply", chips_[m].supply);
    emit(scope, "rationed", chips_[m].rationed);
  }
}

}  // namespace geosim
