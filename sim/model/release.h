#pragma once
// Labs' release decisions and the stranding they cause (docs/model.md 3.5): a lab's main line may
// close (loss leader, or an adaptive lab's payoff comparison); any line that stops being offered as
// open weights leaves its users a frozen open version.
#include <cstdint>
#include <vector>

#include "model/state.h"

namespace geosim {

/// Payoffs a lab compares when deciding (USD per month): open release and closed release.
struct ReleasePayoff {
  double open = 0, closed = 0;
};

/// Lab j's payoffs from last month's usage of its main line (the tokens it served).
ReleasePayoff release_payoff(const ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, std::size_t j);

/// Release decisions at the start of a month for every lab's main line, all from the same state (last
/// month's usage); changes def.labs[j].line.open.
void decide_release(ScenarioDef& def, const Index& idx, const std::vector<LineState>& lines, int months_done);

/// Lines offered open last month and not now (closed, or withdrawn) keep a frozen open version at
/// today's capability; `just_closed[l]` tells the adopter update whose users move onto it.
void strand(const ScenarioDef& def, std::vector<LineState>& lines, std::vector<std::uint8_t>& just_closed);

}  // namespace geosim
