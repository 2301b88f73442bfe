// Labs: demand, money and capability (docs/model.md 3.10-3.12).
#include "model/labs.h"

#include <algorithm>
#include <cmath>

namespace geosim {
namespace {

/// How much of the gap to line k a lab of `distiller` nation can close by distillation: all of it from
/// open weights; from a closed line, its distillability, cut to its leak where its origin guards
/// against the distiller's nation.
double distillation_access(const ScenarioDef& def, const Index& idx, std::size_t k, std::size_t distiller) {
  const LineKeys& keys = line_keys(def, k);
  if (keys.open) return 1.0;
  const bool guarded = contains(def.nations[idx.line_origin(k)].distillation_guard, def.nations[distiller].id);
  return guarded ? keys.distillable * keys.distill_leak : keys.distillable;
}

}  // namespace

double token_demand(const BehaviourDef& b, int months_done) {
  const double growth = std::log1p(b.demand_growth), halflife = b.demand_growth_halflife;
  const double years = static_cast<double>(months_done) / 12.0;
  // The growth rate decays as 2^(-years / halflife); demand is its integral.
  return b.tokens_per_month * std::exp(growth * halflife / std::log(2.0) * (1.0 - std::exp2(-years / halflife)));
}

void update_demand(const BehaviourDef& b, std::vector<NationState>& nations, int months_done) {
  const double path = token_demand(b, months_done);
  for (auto& n : nations) {
    if (months_done == 0) {
      n.log_multiplier = 0;
    } else {
      // Partial adjustment of log demand toward its long-run level (Nerlove): the short-run elasticity is
      // demand_adjustment times the long-run one. Each nation responds to the prices its own adopters
      // pay, so cheap models in one market do not raise demand in another.
      const double target = -b.demand_price_elasticity * (std::log(n.price_index) - std::log(n.price_start)) +
                            b.demand_capability_elasticity * (n.capability_index - n.capability_start);
      // Kept within e^-30 and e^30 (a factor of 10^13 either way) so that demand stays finite: only extreme
      // parameter sets reach the bounds, as only they reach the bounds of prices.
      n.log_multiplier = std::clamp(n.log_multiplier + b.demand_adjustment * (target - n.log_multiplier), -30.0, 30.0);
    }
    n.tokens = path * std::exp(n.log_multiplier);
  }
}

void settle_money(const ScenarioDef& def, const Index& idx, const ChipMarket& market, const std::vector<LineState>& lines, int months_done,
                  std::vector<LabState>& labs, std::vector<ChipState>& chips) {
  const auto& b = def.behaviour;
  // What a dollar of compute buys in research grows with hardware and algorithms.
  const double research_gain = std::pow(1.0 + b.research_compute_growth, static_cast<double>(months_done) / 12.0);
  const std::size_t M = chips.size();
  for (auto& lab : labs) lab.revenue = 0;
  for (std::size_t l = 0; l < lines.size(); ++l) labs[idx.line_lab[l]].revenue += lines[l].revenue;
  for (std::size_t j = 0; j < labs.size(); ++j) {
    LabState& lab = labs[j];
    const bool first = lab.revenue_avg == 0;
    lab.revenue_avg = first ? lab.revenue : lab.revenue_avg + (lab.revenue - lab.revenue_avg) / 12.0;
    const double growth = lab.revenue_avg > 0 ? std::clamp(lab.revenue / lab.revenue_avg - 1.0, -1.0, 1.0) : 0.0;
    const double target = 12.0 * lab.revenue * (b.valuation_multiple + b.growth_multiple * std::max(0.0, growth));
    lab.valuation = lab.valuation <= 0 ? target : lab.valuation + (target - lab.valuation) / 6.0;
    lab.spend = def.labs[j].funding + b.invest_rate * lab.valuation / 12.0;
  }
  // Compute asked of each chipmaker at reference prices: a lab buys for its research as for its main
  // line, in its own nation; capacity after materials rations it.
  for (auto& c : chips) c.demand = 0;
  for (std::size_t j = 0; j < labs.size(); ++j) {
    const std::size_t row = market.row(j, idx.line_origin(j));
    if (!market.buys[row]) continue;
    const double* share = market.shares(row);
    const double* perf = market.chip_perfs(row);
    for (std::size_t m = 0; m < M; ++m) chips[m].demand += labs[j].spend * share[m] * perf[m];
  }
  for (std::size_t m = 0; m < M; ++m) {
    const double deliverable = chips[m].capacity * chips[m].supply;
    chips[m].rationed = chips[m].demand > deliverable ? deliverable / chips[m].demand : 1.0;
  }
  for (std::size_t j = 0; j < labs.size(); ++j) {
    LabState& lab = labs[j];
    const std::size_t row = market.row(j, idx.line_origin(j));
    double compute = 0;
    if (market.buys[row]) {
      const double* share = market.shares(row);
      const double* perf = market.chip_perfs(row);
      for (std::size_t m = 0; m < M; ++m) compute += lab.spend * share[m] * perf[m] * chips[m].rationed;
    } else {
      compute = lab.spend * market.perf[row];
    }
    // The compute one capability-month needs grows with how far ahead the lab already is (scaling: each
    // capability-year costs several times the compute of the last), so a leader's money buys it a lead
    // that grows only with the log of the money, and followers catch up cheaply. Saturating: 1 at the
    // need, never more than 2, so that money cannot make capability (and with it cost, price and
    // revenue) run away.
    double best = -1;
    for (std::size_t l = 0; l < lines.size(); ++l)
      if (idx.line_lab[l] == j && line_keys(def, l).active) best = std::max(best, lines[l].capability);
    const double need = b.reference_compute_spend * std::exp(b.compute_per_capability * (best - b.reference_capability));
    const double effective = def.labs[j].research_efficiency * compute * research_gain;

    const double x = effective > 0 ? std::pow(effective / need, b.compute_elasticity) : 0.0;

    lab.compute_factor = 2.0 - 2.0 / (1.0 + x);  // = 2x / (1 + x), and 2 when x overflows

  }
}

std::vector<LineState> advance_capability(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines,
                                          const std::vector<LabState>& labs) {
  const auto& b = def.behaviour;
  std::vector<LineState> next = lines;
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const LineKeys& keys = line_keys(def, l);
    if (!keys.active) continue;  // a line not on offer waits for its launch as it is
    const std::size_t j = idx.line_lab[l];
    const LabDef& lab = def.labs[j];
    const double c = lines[l].capability;
    // The largest gap, weighted by access, to a line of another lab: its current version while offered,
    // and any frozen open version.
    double gap = 0;
    if (lab.distill)
      for (std::size_t k = 0; k < lines.size(); ++k) {
        if (idx.line_lab[k] == j) continue;
        if (line_keys(def, k).active) gap = std::max(gap, distillation_access(def, idx, k, idx.line_origin(l)) * (lines[k].capability - c));
        if (lines[k].has_frozen) gap = std::max(gap, lines[k].frozen_capability - c);
      }
    const double own = labs[j].compute_factor;

    const double distilled = lab.distill ? b.distillation_rate * gap : 0.0;
    const double community = keys.open ? b.community_rate * lines[l].usage_share : 0.0;
    next[l].capability = c + own + distilled + community;
  }
  return next;
}

}  // namespace geosim
