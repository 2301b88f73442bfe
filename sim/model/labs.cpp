#include "model/labs.h"

#include <algorithm>
#include <cmath>

namespace geosim {
namespace {

bool contains(const std::vector<std::string>& list, const std::string& id) {
  return std::find(list.begin(), list.end(), id) != list.end();
}

double affinity(const LabDef& lab, const std::string& chipmaker) {
  auto it = lab.affinity.find(chipmaker);
  return it == lab.affinity.end() ? 1.0 : it->second;
}

/// Whether lab `j`'s outputs may be distilled by lab `k`: open weights always; closed ones unless the
/// owner's nation denies frontier access to k's nation.
bool can_distil_from(const ScenarioDef& def, std::size_t j, std::size_t k) {
  const LabDef& from = def.labs[j];
  if (from.open) return true;
  int origin = index_of_nation(def, from.origin);
  return !contains(def.nations[static_cast<std::size_t>(origin)].deny_frontier_access, def.labs[k].origin);
}

}  // namespace

int index_of_nation(const ScenarioDef& def, const std::string& id) {
  for (std::size_t i = 0; i < def.nations.size(); ++i)
    if (def.nations[i].id == id) return static_cast<int>(i);
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
      risk[v * n + o] = r;
    }
  }
  return risk;
}

ChoiceTables make_choice_tables(const ScenarioDef& def, const std::vector<LabState>& labs, const std::vector<double>& nation_risk) {
  const std::size_t N = def.nations.size(), L = def.labs.size(), S = sector_count;
  const auto& b = def.behaviour;
  ChoiceTables t;
  t.labs = L;
  t.available.assign(N * S * L, 0);
  t.base_utility.assign(N * S * L, 0.0);
  t.risk.assign(N * L, 0.0);
  for (std::size_t n = 0; n < N; ++n) {
    const NationDef& nation = def.nations[n];
    for (std::size_t j = 0; j < L; ++j) {
      const LabDef& lab = def.labs[j];
      auto origin = static_cast<std::size_t>(index_of_nation(def, lab.origin));
      double risk = origin == n ? 0.0 : nation_risk[n * N + origin];
      t.risk[n * L + j] = risk;
      bool denied = !lab.open && origin != n && contains(def.nations[origin].deny_frontier_access, nation.id);
      for (std::size_t s = 0; s < S; ++s) {
        bool banned = risk >= b.rival_threshold && contains(nation.ban_rival_models_in, sector_names[s]);
        std::size_t at = (n * S + s) * L + j;
        t.available[at] = !(denied || banned);
        t.base_utility[at] = b.w_capability * labs[j].capability - b.w_price * std::log(labs[j].price) +
                             (lab.open ? b.w_openness * b.openness_weight[s] : 0.0);
      }
    }
  }
  return t;
}

void assign_chips(const ScenarioDef& def, std::vector<LabState>& labs) {
  double reference = 0;
  for (const auto& c : def.chipmakers) reference = std::max(reference, c.perf_per_dollar);
  for (std::size_t j = 0; j < def.labs.size(); ++j) {
    const LabDef& lab = def.labs[j];
    LabState& st = labs[j];
    if (def.chipmakers.empty()) {
      st.chip = -1;
      st.compute_factor = 1;
      continue;
    }
    double best = 0;
    st.chip = -1;
    for (std::size_t c = 0; c < def.chipmakers.size(); ++c) {
      const ChipmakerDef& chip = def.chipmakers[c];
      if (contains(chip.export_banned_to, lab.origin)) continue;
      double effective = chip.perf_per_dollar * affinity(lab, chip.id);
      if (effective > best) best = effective, st.chip = static_cast<int>(c);
    }
    st.compute_factor = best > 0 ? std::pow(best / reference, def.behaviour.compute_elasticity) : 0.0;
  }
}

std::vector<LabState> advance_labs(const ScenarioDef& def, const std::vector<LabState>& labs, const std::vector<double>& usage_share) {
  const auto& b = def.behaviour;
  std::vector<LabState> next = labs;
  for (std::size_t k = 0; k < labs.size(); ++k) {
    const LabDef& lab = def.labs[k];
    double frontier = labs[k].capability;  // best capability k may distil from
    if (lab.distill)
      for (std::size_t j = 0; j < labs.size(); ++j)
        if (j != k && can_distil_from(def, j, k)) frontier = std::max(frontier, labs[j].capability);
    double own = lab.capability_growth * labs[k].compute_factor;
    double distilled = lab.distill ? b.distillation_rate * (frontier - labs[k].capability) : 0.0;
    double community = lab.open ? b.community_rate * usage_share[k] : 0.0;
    next[k].capability = labs[k].capability + own + distilled + community;
    next[k].price = labs[k].price * std::pow(1.0 - lab.price_decline, 1.0 / 12.0);
  }
  return next;
}

}  // namespace geosim
