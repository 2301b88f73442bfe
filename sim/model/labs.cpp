// Labs: release strategy, money and capability.
#include "model/labs.h"

#include <algorithm>
#include <cmath>

namespace geosim {
namespace {

/// Whether lab k may distil from lab j: open weights always; closed ones if j lets its outputs be
/// distilled and j's nation does not deny frontier access to k's nation.
bool can_distil_from(const ScenarioDef& def, const Index& idx, std::size_t j, std::size_t k) {
  if (def.labs[j].open) return true;
  if (!def.labs[j].distillable) return false;
  return !contains(def.nations[static_cast<std::size_t>(idx.lab_origin[j])].deny_frontier_access, def.labs[k].origin);
}

}  // namespace

double token_demand(const BehaviourDef& b, int months_done) {
  const double growth = std::log1p(b.demand_growth), halflife = b.demand_growth_halflife;
  const double years = static_cast<double>(months_done) / 12.0;
  // The growth rate decays as 2^(-years / halflife); demand is its integral.
  return b.tokens_per_month * std::exp(growth * halflife / std::log(2.0) * (1.0 - std::exp2(-years / halflife)));
}

ReleasePayoff release_payoff(const ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs, std::size_t j, int months_done) {
  const auto& b = def.behaviour;
  const LabDef& d = def.labs[j];
  const LabState& lab = labs[j];
  // Usage in tokens per month if the lab keeps its current users (closing loses some of them).
  // Tokens it serves if it keeps its current users: its share of all adopters' weight times demand.
  const double tokens = lab.demand_share * token_demand(b, months_done);
  ReleasePayoff p;
  const double influence = b.influence_value * (d.state_backed ? b.state_influence_multiplier : 1.0);
  p.open = b.open_api_share * tokens * hosted_price(def, lab.cost, j, lab.perf) / 1e6 + influence * lab.usage_share -
           def.nations[static_cast<std::size_t>(idx.lab_origin[j])].open_release_penalty;
  p.closed = b.close_retention * tokens * closed_price(def, labs, j) / 1e6;
  return p;
}

void decide_release(ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs, int months_done) {
  if (months_done == 0) return;  // nothing is known about usage before the first month
  // All labs decide at once, from the same state: nobody sees another's decision of this month.
  const ScenarioDef before = def;
  const auto& b = before.behaviour;
  const bool review = b.strategy_interval > 0 && months_done % b.strategy_interval == 0;
  for (std::size_t j = 0; j < labs.size(); ++j) {
    const LabDef& d = before.labs[j];
    if (d.open && d.close_at_share > 0 && labs[j].usage_share >= d.close_at_share) {
      def.labs[j].open = false;  // loss leader: users won, later versions are closed
      continue;
    }
    if (review && d.strategy == "adaptive") {
      ReleasePayoff p = release_payoff(before, idx, labs, j, months_done);
      const double current = d.open ? p.open : p.closed, other = d.open ? p.closed : p.open;
      if (other - current > b.strategy_hysteresis * std::abs(current)) def.labs[j].open = !d.open;
    }
  }
}

void settle_money(const ScenarioDef& def, std::vector<LabState>& labs, std::vector<ChipState>& chips) {
  const auto& b = def.behaviour;
  for (std::size_t j = 0; j < labs.size(); ++j) {
    LabState& lab = labs[j];
    const bool first = lab.revenue_avg == 0;
    // revenue was set by the world from this month's usage; the average and valuation follow it.
    lab.revenue_avg = first ? lab.revenue : lab.revenue_avg + (lab.revenue - lab.revenue_avg) / 12.0;
    const double growth = lab.revenue_avg > 0 ? std::clamp(lab.revenue / lab.revenue_avg - 1.0, -1.0, 1.0) : 0.0;
    const double target = 12.0 * lab.revenue * (b.valuation_multiple + b.growth_multiple * std::max(0.0, growth));
    lab.valuation = lab.valuation <= 0 ? target : lab.valuation + (target - lab.valuation) / 6.0;
    lab.spend = def.labs[j].funding + b.invest_rate * lab.valuation / 12.0;
  }
  // Compute asked of each chipmaker, at reference prices; capacity after materials rations it.
  for (auto& c : chips) c.demand = 0;
  for (const auto& lab : labs)
    if (lab.chip >= 0) chips[static_cast<std::size_t>(lab.chip)].demand += lab.spend * lab.perf;
  for (std::size_t m = 0; m < chips.size(); ++m) {
    const double deliverable = def.chipmakers[m].capacity * chips[m].supply;
    chips[m].rationed = chips[m].demand > deliverable ? deliverable / chips[m].demand : 1.0;
  }
  for (auto& lab : labs) {
    const double rationed = lab.chip >= 0 ? chips[static_cast<std::size_t>(lab.chip)].rationed : 1.0;
    const double compute = lab.spend * lab.perf * rationed;
    // Saturating: 1 at the reference spend, never more than 2, so that money cannot make capability
    // (and with it cost, price and revenue) run away.
    const double x = std::pow(compute / b.reference_compute_spend, b.compute_elasticity);
    lab.compute_factor = 2.0 - 2.0 / (1.0 + x);  // = 2x / (1 + x), and 2 when x overflows
  }
}

std::vector<LabState> advance_capability(const ScenarioDef& def, const Index& idx, const std::vector<LabState>& labs) {
  const auto& b = def.behaviour;
  std::vector<LabState> next = labs;
  for (std::size_t k = 0; k < labs.size(); ++k) {
    const LabDef& lab = def.labs[k];
    double frontier = labs[k].capability;  // best capability k may distil from
    if (lab.distill)
      for (std::size_t j = 0; j < labs.size(); ++j)
        if (j != k && can_distil_from(def, idx, j, k)) frontier = std::max(frontier, labs[j].capability);
    const double own = lab.capability_growth * labs[k].compute_factor;
    const double distilled = lab.distill ? b.distillation_rate * (frontier - labs[k].capability) : 0.0;
    const double community = lab.open ? b.community_rate * labs[k].usage_share : 0.0;
    next[k].capability = labs[k].capability + own + distilled + community;
  }
  return next;
}

}  // namespace geosim
