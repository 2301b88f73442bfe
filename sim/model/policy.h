#pragma once
// Nations' policy rules (docs/model.md 3.4): levers that pull themselves when a condition has held long
// enough.
#include <vector>

#include "model/state.h"

namespace geosim {

/// Applies nations' dependency rules from last month's dependency; returns whether any ban changed.
bool apply_policy_rules(ScenarioDef& def, std::vector<NationState>& nations);

}  // namespace geosim
