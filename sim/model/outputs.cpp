// A month's outputs; output_catalog.cpp declares and defines each metric (docs/outputs.md).
#include <algorithm>
#include <cmath>

#include "model/labs.h"
#include "model/world.h"

namespace geosim {

void World::compute_outputs(const ChoiceTables& tables) {
  const std::size_t N = def_.nations.size(), J = def_.labs.size(), L = lines_.size(), S = sector_count, O = usage_.options - 1;
  const std::size_t M = chips_.size();
  const auto& b = def_.behaviour;
  const UsageTotals& u = totals_;
  outputs_.clear();
  auto emit = [&](const std::string& scope, const std::string& metric, double v) { outputs_.push_back({scope, metric, v}); };
  auto ratio = [](double a, double c) { return c > 0 ? a / c : 0.0; };
  auto open_option = [&](std::size_t o) { return o >= L || line_keys(def_, o).open; };

  // Shares by origin bloc and openness, and influence by origin bloc, of weights per option.
  struct Mix {
    double share[bloc_count][2] = {};
    double influence[bloc_count] = {};
    double stranded = 0;
  };
  auto mix_of = [&](const double* by_option) {
    Mix m;
    for (std::size_t o = 0; o < O; ++o) {
      const std::size_t bloc = idx_.lab_bloc[idx_.line_lab[o % L]];
      m.share[bloc][open_option(o) ? 1 : 0] += by_option[o];
      m.influence[bloc] += by_option[o];
      if (o >= L) m.stranded += by_option[o];
    }
    return m;
  };
  auto emit_shares = [&](const std::string& scope, const Mix& m, double adopted) {
    for (int bl = 0; bl < bloc_count; ++bl)
      for (int open = 0; open < 2; ++open)
        emit(scope, std::string("usage_share.") + bloc_names[bl] + (open ? "_open" : "_closed"), ratio(m.share[bl][open], adopted));
  };
  auto emit_influence = [&](const std::string& scope, const Mix& m, double adopted) {
    for (int bl = 0; bl < bloc_count; ++bl) emit(scope, std::string("influence.") + bloc_names[bl], ratio(m.influence[bl], adopted));
  };

  // Chips bought per (nation, chipmaker), USD per month: labs' compute for their research, closed lines'
  // serving, the hosting of open weights for each nation's adopters (model.md 3.14).
  std::vector<double> bought(N * M, 0.0);
  auto buy = [&](std::size_t nation, std::size_t row, double spend) {
    const double* share = chip_market().shares(row);
    for (std::size_t m = 0; m < M; ++m) bought[nation * M + m] += spend * share[m];
  };
  for (std::size_t j = 0; j < J; ++j) buy(idx_.line_origin(j), market_.row(j, idx_.line_origin(j)), labs_[j].spend);
  for (std::size_t l = 0; l < L; ++l)
    if (!line_keys(def_, l).open)
      buy(idx_.line_origin(l), market_.row(l, idx_.line_origin(l)), lines_[l].served * bounded_price(lines_[l].cost / lines_[l].perf) / 1e6);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t o = 0; o < O; ++o)
      if (open_option(o)) {
        const std::size_t row = tables.chips[n * O + o];
        const double cost = o >= L ? lines_[o - L].frozen_cost : lines_[o].cost;
        buy(n, row, ratio(u.on[n * O + o], u.world_total) * nations_[n].tokens * bounded_price(cost / market_.perf[row]) / 1e6);

      }
  std::vector<double> fees(M, 0.0);
  for (std::size_t m = 0; m < M; ++m)
    for (std::size_t n = 0; n < N; ++n) {
      auto it = def_.chipmakers[m].licence_fee.find(def_.nations[n].id);
      const double f = it == def_.chipmakers[m].licence_fee.end() ? 0.0 : it->second;
      fees[m] += bought[n * M + m] * f / (1.0 + f);
    }

  // World.
  const std::string world = "world";
  std::int64_t using_count = 0, all_count = 0, stranded_count = 0;
  for (std::size_t c = 0; c < usage_.count.size(); ++c) {
    const std::size_t o = c % usage_.options;
    all_count += usage_.count[c];
    if (o < O) using_count += usage_.count[c];
    if (o >= L && o < O) stranded_count += usage_.count[c];
  }
  emit(world, "adoption", ratio(u.world_adopted, u.world_total));
  emit(world, "adopted_weight", u.world_adopted);
  emit(world, "adopters_using", static_cast<double>(using_count));
  emit(world, "adopters_total", static_cast<double>(all_count));
  emit(world, "stranded_adopters", static_cast<double>(stranded_count));
  const Mix world_mix = mix_of(u.world_on.data());
  emit_shares(world, world_mix, u.world_adopted);
  emit_influence(world, world_mix, u.world_adopted);
  emit(world, "stranded_share", ratio(world_mix.stranded, u.world_adopted));
  double best_bloc[bloc_count], best_open = -1, best_closed = -1, frontier = -1;
  std::fill(best_bloc, best_bloc + bloc_count, -1.0);
  for (std::size_t l = 0; l < L; ++l) {
    if (!line_keys(def_, l).active) continue;
    const double c = lines_[l].capability;
    double& bloc_best = best_bloc[idx_.lab_bloc[idx_.line_lab[l]]];
    bloc_best = std::max(bloc_best, c);
    double& kind_best = line_keys(def_, l).open ? best_open : best_closed;
    kind_best = std::max(kind_best, c);
    frontier = std::max(frontier, c);
  }
  if (start_frontier_ < 0) start_frontier_ = frontier;
  double revenue_closed = 0, value_closed = 0;
  for (std::size_t j = 0; j < J; ++j)
    if (!def_.labs[j].line.open) revenue_closed += labs_[j].revenue, value_closed += labs_[j].valuation;
  if (closed_value_start_ < 0) closed_value_start_ = value_closed;
  emit(world, "frontier_capability", frontier);
  if (best_bloc[0] >= 0 && best_bloc[1] >= 0) emit(world, "capability_gap_us_china", best_bloc[0] - best_bloc[1]);
  if (best_open >= 0 && best_closed >= 0) emit(world, "open_closed_lag", best_closed - best_open);
  emit(world, "price_index", u.price_index);
  emit(world, "capability_index", u.capability_index);
  emit(world, "revenue_closed_labs", revenue_closed);
  // Price of the start's frontier capability: each line's price scaled back along its cost curve to
  // that capability; the cheapest line that has reached it sets the price.
  double fixed = 0;
  bool reached = false;
  for (std::size_t l = 0; l < L; ++l)
    if (line_keys(def_, l).active && lines_[l].capability >= start_frontier_) {
      const double p = lines_[l].price * std::exp(-b.capability_cost * (lines_[l].capability - start_frontier_));
      fixed = reached ? std::min(fixed, p) : p;
      reached = true;
    }
  if (reached) emit(world, "price_fixed_capability", fixed);

  emit(world, "closed_value_index", closed_value_start_ > 0 ? value_closed / closed_value_start_ : 0.0);
  double demanded = 0, delivered = 0, unconstrained = 0;
  for (std::size_t m = 0; m < M; ++m) {
    const double cap = chips_[m].capacity;
    demanded += chips_[m].demand;
    unconstrained += std::min(chips_[m].demand, cap);
    delivered += std::min(chips_[m].demand, cap * chips_[m].supply);
  }
  emit(world, "compute_lost_materials", ratio(unconstrained - delivered, demanded));
  // The sector's weight per option, summed over nations.
  std::vector<double> sector_on(S * O, 0.0);
  for (std::size_t n = 0; n < N; ++n)
    for (std::size_t sec = 0; sec < S; ++sec)
      for (std::size_t o = 0; o < O; ++o) sector_on[sec * O + o] += usage_.weight[(n * S + sec) * usage_.options + o];
  std::vector<double> sector_adopted(S, 0.0);
  for (std::size_t sec = 0; sec < S; ++sec) {
    double open = 0;
    for (std::size_t o = 0; o < O; ++o) {
      sector_adopted[sec] += sector_on[sec * O + o];
      if (open_option(o)) open += sector_on[sec * O + o];
    }
    emit(world, std::string("open_share.") + sector_names[sec], ratio(open, sector_adopted[sec]));
  }
  // Demand and spend: each nation's, weighted by its share of the world's adopters' weight.
  double tokens = 0, spend = 0;
  for (std::size_t n = 0; n < N; ++n) {
    tokens += ratio(u.nation_total[n], u.world_total) * nations_[n].tokens;
    spend += nations_[n].tokens * ratio(u.nation_paid[n], u.world_total);
  }
  emit(world, "token_demand", tokens);
  emit(world, "demand_multiplier", ratio(tokens, token_demand(b, months_done_)));
  emit(world, "ai_spend", spend / 1e6);

  double all_fees = 0;
  for (std::size_t m = 0; m < M; ++m) all_fees += fees[m];
  emit(world, "licence_fees", all_fees);

  // Sectors.
  for (std::size_t sec = 0; sec < S; ++sec) {
    const std::string scope = std::string("sector:") + sector_names[sec];
    emit(scope, "adopted_weight", sector_adopted[sec]);
    emit_shares(scope, mix_of(sector_on.data() + sec * O), sector_adopted[sec]);
  }

  // The world without a nation.
  for (const auto& id : def_.outputs_without) {
    const auto left_out = static_cast<std::size_t>(index_of_nation(def_, id));
    constexpr std::size_t developers = static_cast<std::size_t>(Sector::developer);
    std::vector<double> on(O, 0.0), dev_on(O, 0.0);
    double total = 0, adopted = 0, dev_adopted = 0;
    for (std::size_t n = 0; n < N; ++n) {
      if (n == left_out) continue;
      total += u.nation_total[n];
      adopted += u.nation_adopted[n];
      for (std::size_t o = 0; o < O; ++o) on[o] += u.on[n * O + o];
      for (std::size_t o = 0; o < O; ++o) dev_on[o] += usage_.weight[(n * S + developers) * usage_.options + o];
    }
    for (std::size_t o = 0; o < O; ++o) dev_adopted += dev_on[o];
    const std::string scope = "without:" + id;
    const Mix m = mix_of(on.data());
    emit(scope, "adoption", ratio(adopted, total));
    emit(scope, "adopted_weight", adopted);
    emit_shares(scope, m, adopted);
    emit_influence(scope, m, adopted);
    const Mix dev = mix_of(dev_on.data());
    for (int bl = 0; bl < bloc_count; ++bl)
      for (int open = 0; open < 2; ++open)
        emit(scope, std::string("developer_usage_share.") + bloc_names[bl] + (open ? "_open" : "_closed"), ratio(dev.share[bl][open], dev_adopted));

  }

  // Nations.
  const double threshold = b.rival_threshold;
  for (std::size_t n = 0; n < N; ++n) {
    const std::string scope = "nation:" + def_.nations[n].id;
    const double* on = u.on.data() + n * O;
    const double adopted = u.nation_adopted[n];
    const Mix m = mix_of(on);
    emit(scope, "adoption", ratio(adopted, u.nation_total[n]));
    emit(scope, "adopted_weight", adopted);
    emit_shares(scope, m, adopted);
    emit_influence(scope, m, adopted);
    emit(scope, "stranded_share", ratio(m.stranded, adopted));
    emit(scope, "rival_model_dependency", nations_[n].rival_dependency);
    // Whose chips the nation's AI work runs on.
    std::vector<double> on_chip(M, 0.0);
    double rival_hw = 0;
    for (std::size_t o = 0; o < O; ++o) {
      const double* share = market_.shares(tables.chips[n * O + o]);
      for (std::size_t c = 0; c < M; ++c) {
        on_chip[c] += on[o] * share[c];
        if (is_rival(nation_risk_, N, n, static_cast<std::size_t>(idx_.chip_origin[c]), threshold)) rival_hw += on[o] * share[c];
      }
    }
    emit(scope, "rival_hardware_dependency", ratio(rival_hw, adopted));
    emit(scope, "price_index", nations_[n].price_index);
    emit(scope, "capability_index", nations_[n].capability_index);
    emit(scope, "demand_multiplier", std::exp(nations_[n].log_multiplier));
    emit(scope, "rule_ban_active", nations_[n].rule_active ? 1.0 : 0.0);
    for (std::size_t c = 0; c < M; ++c) emit(scope, "chip_share." + def_.chipmakers[c].id, ratio(on_chip[c], adopted));
    double all_bought = 0;
    for (std::size_t c = 0; c < M; ++c) all_bought += bought[n * M + c];
    for (std::size_t c = 0; c < M; ++c) emit(scope, "chips_bought." + def_.chipmakers[c].id, bought[n * M + c]);
    for (std::size_t c = 0; c < M; ++c) emit(scope, "chip_purchase_share." + def_.chipmakers[c].id, ratio(bought[n * M + c], all_bought));
  }

  // Labs, and the lines of those that field more than one.
  std::vector<std::size_t> lines_of(J, 0);
  for (std::size_t l = 0; l < L; ++l) ++lines_of[idx_.line_lab[l]];
  for (std::size_t j = 0; j < J; ++j) {
    const std::string scope = "lab:" + def_.labs[j].id;
    double used = 0, stranded = 0, capability = -1;
    for (std::size_t l = 0; l < L; ++l)
      if (idx_.line_lab[l] == j) {
        used += u.world_on[l], stranded += u.world_on[L + l];
        if (line_keys(def_, l).active) capability = std::max(capability, lines_[l].capability);
      }
    emit(scope, "usage_share", ratio(used, u.world_adopted));
    emit(scope, "stranded_share", ratio(stranded, u.world_adopted));
    emit(scope, "capability", capability);
    emit(scope, "price", lines_[j].price);
    emit(scope, "revenue", labs_[j].revenue);
    emit(scope, "valuation", labs_[j].valuation);
    emit(scope, "compute_factor", labs_[j].compute_factor);
    emit(scope, "open", def_.labs[j].line.open ? 1.0 : 0.0);
  }
  for (std::size_t l = 0; l < L; ++l) {
    if (lines_of[idx_.line_lab[l]] < 2) continue;
    const std::string scope = "line:" + line_id(def_, l);
    emit(scope, "usage_share", ratio(u.world_on[l], u.world_adopted));
    emit(scope, "stranded_share", ratio(u.world_on[L + l], u.world_adopted));
    emit(scope, "capability", lines_[l].capability);
    emit(scope, "price", lines_[l].price);
    emit(scope, "revenue", lines_[l].revenue);
    emit(scope, "open", line_keys(def_, l).open ? 1.0 : 0.0);
    emit(scope, "active", line_keys(def_, l).active ? 1.0 : 0.0);
  }

  // Chipmakers.
  for (std::size_t m = 0; m < M; ++m) {
    const std::string scope = "chipmaker:" + def_.chipmakers[m].id;
    double sales = 0;
    for (std::size_t n = 0; n < N; ++n) sales += bought[n * M + m];
    emit(scope, "compute_share", chips_[m].usage);
    emit(scope, "ecosystem", chips_[m].ecosystem);
    emit(scope, "supply", chips_[m].supply);
    emit(scope, "rationed", chips_[m].rationed);
    emit(scope, "capacity", chips_[m].capacity);
    emit(scope, "sales", sales);
    emit(scope, "licence_fees", fees[m]);
  }
}

}  // namespace geosim
