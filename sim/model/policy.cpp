// Nations' policy rules: levers that pull themselves when a condition has held long enough.
#include <algorithm>

#include "model/policy.h"

namespace geosim {

bool apply_policy_rules(ScenarioDef& def, std::vector<NationState>& nations) {
  bool changed = false;
  for (std::size_t n = 0; n < def.nations.size(); ++n) {
    NationDef& nation = def.nations[n];
    NationState& st = nations[n];
    if (nation.rule_ban_threshold <= 0 || st.rule_active) continue;
    st.months_above = st.rival_dependency > nation.rule_ban_threshold ? st.months_above + 1 : 0;
    if (st.months_above < nation.rule_ban_lag) continue;
    for (const auto& sector : nation.rule_ban_sectors)
      if (std::find(nation.ban_rival_models_in.begin(), nation.ban_rival_models_in.end(), sector) == nation.ban_rival_models_in.end())
        nation.ban_rival_models_in.push_back(sector);
    st.rule_active = true;
    changed = true;
  }
  return changed;
}

}  // namespace geosim
