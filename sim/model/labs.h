#pragma once
// Labs' side of a month (docs/model.md 3.10-3.12): demand for AI work, revenue turned into valuation
// and compute bought under chipmakers' capacity, and capability growth of every line.
#include <vector>

#include "model/market.h"
#include "model/state.h"

namespace geosim {

/// The exogenous path of token demand at full adoption in month index `months_done` (0 for the first
/// month): D0 exp(G H' (1 - 2^(-tau / 12 H))), G = ln(1 + demand_growth), H' = H / ln 2, H the half-life
/// in years.
double token_demand(const BehaviourDef& b, int months_done);

/// Moves each nation's demand multiplier toward its long-run level from last month's price and
/// capability indices, and sets its token demand at full adoption this month (the exogenous path times
/// the multiplier).
void update_demand(const BehaviourDef& b, std::vector<NationState>& nations, int months_done);

/// Revenue, valuation and compute purchases after a month's usage (line revenue already set); rations
/// chipmakers' capacity and sets each lab's compute factor.
void settle_money(const ScenarioDef& def, const Index& idx, const ChipMarket& market, const std::vector<LineState>& lines, int months_done,
                  std::vector<LabState>& labs, std::vector<ChipState>& chips);


/// Capability of every line for next month: its lab's own growth from compute, distillation from lines
/// of other labs it can reach, and community contributions while open. Reads `lines`, returns the next.
std::vector<LineState> advance_capability(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines,
                                          const std::vector<LabState>& labs);

}  // namespace geosim
