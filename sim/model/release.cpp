// Release decisions and stranding (docs/model.md 3.5).
#include "model/release.h"

#include <cmath>

#include "model/market.h"

namespace geosim {

ReleasePayoff release_payoff(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, std::size_t j) {
  const auto& b = def.behaviour;
  const LabDef& d = def.labs[j];
  const LineState& line = lines[j];
  // Tokens the main line serves if it keeps its current users: what it served last month.
  const double served = line.served;
  const double influence = b.influence_value * (d.state_backed ? b.state_influence_multiplier : 1.0);
  ReleasePayoff p;
  p.open = b.open_api_share * served * hosted_price(def, idx, line.cost, j, line.perf) / 1e6 + influence * line.usage_share -
           def.nations[static_cast<std::size_t>(idx.lab_origin[j])].open_release_penalty;
  p.closed = b.close_retention * served * closed_price(def, idx, lines, j) / 1e6;
  return p;
}

void decide_release(ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, int months_done) {
  if (months_done == 0) return;  // nothing is known about usage before the first month
  // All labs decide at once, from the same state: nobody sees another's decision of this month.
  const ScenarioDef before = def;
  const auto& b = before.behaviour;
  const bool review = b.strategy_interval > 0 && months_done % b.strategy_interval == 0;
  for (std::size_t j = 0; j < before.labs.size(); ++j) {
    const LabDef& d = before.labs[j];
    if (d.line.open && d.close_at_share > 0 && lines[j].usage_share >= d.close_at_share) {
      def.labs[j].line.open = false;  // loss leader: users won, later versions are closed
      continue;
    }
    if (review && d.strategy == "adaptive") {
      const ReleasePayoff p = release_payoff(before, idx, lines, j);
      const double current = d.line.open ? p.open : p.closed, other = d.line.open ? p.closed : p.open;
      if (other - current > b.strategy_hysteresis * std::abs(current)) def.labs[j].line.open = !d.line.open;
    }
  }
}

void strand(const ScenarioDef& def, std::vector<LineState>& lines, std::vector<std::uint8_t>& just_closed) {
  just_closed.assign(lines.size(), 0);
  for (std::size_t l = 0; l < lines.size(); ++l) {
    const LineKeys& keys = line_keys(def, l);
    const bool offered_open = keys.open && keys.active;
    if (lines[l].offered_open && !offered_open) {
      // Users of the open weights keep the version they have: it stays open, frozen at today's capability.
      just_closed[l] = 1;
      lines[l].has_frozen = true;
      lines[l].frozen_capability = lines[l].capability;
    }
    lines[l].offered_open = offered_open;
  }
}

}  // namespace geosim
