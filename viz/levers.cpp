#include "viz/levers.h"

#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "model/series.h"
#include "model/key_path.h"
#include "scenario/tree.h"
#include "scenario/yaml_text.h"
#include "model/parameters.h"

namespace geosim::viz {

namespace {

class Panel {
 public:
  Panel(LeverPanelState& state, const ScenarioDef& params, const PullLever& pull) : state_(state), params_(params), pull_(pull) {}

  void lever(const LeverDef& def, std::size_t agent, const std::string& id) {
    const KeySpec* spec = find_key(def.key);
    if (!spec || !spec->get) return;
    const std::string path = key_path_of(*spec, id);
    const std::string current = value_yaml(spec->get(params_, agent), spec->type == KeyType::integer);
    const std::string shown = pending_or(path, current);
    ImGui::PushID(path.c_str());
    const bool is_pending = shown != current;
    if (is_pending) ImGui::PushStyleColor(ImGuiCol_Text, IM_COL32(255, 200, 90, 255));
    switch (spec->type) {
      case KeyType::boolean: {
        bool v = shown == "true";
        if (ImGui::Checkbox(def.label, &v)) set(path, v ? "true" : "false");
        break;
      }
      case KeyType::real:
      case KeyType::integer: {
        float v = static_cast<float>(std::stod(shown));
        ImGui::SetNextItemWidth(170);
        ImGui::SliderFloat(def.label, &v, static_cast<float>(def.lo), static_cast<float>(def.hi), def.log ? "%.3g" : "%.3f",
                           def.log ? ImGuiSliderFlags_Logarithmic : 0);
        // One event per drag, not one per frame of it.
        if (ImGui::IsItemDeactivatedAfterEdit()) set(path, format_value(spec->type == KeyType::integer ? std::round(v) : v));
        break;
      }
      case KeyType::ref_list:
      case KeyType::choice_list: {
        std::vector<std::string> options = spec->choices;
        if (spec->type == KeyType::ref_list)
          for (std::size_t a = 0; a < agent_count(params_, spec->ref); ++a) options.push_back(agent_id(params_, spec->ref, a));
        const Value value = spec->get(params_, agent);
        const auto& in_force = std::get<std::vector<std::string>>(value);
        std::vector<std::string> chosen = shown == current ? in_force : parse_list(shown);
        ImGui::TextUnformatted(def.label);
        bool changed = false;
        float widest = 0;
        for (const auto& o : options) widest = std::max(widest, ImGui::CalcTextSize(o.c_str()).x);
        const float cell = widest + ImGui::GetFrameHeight() + 14;
        const auto per_row = static_cast<std::size_t>(std::max(1.0f, (ImGui::GetContentRegionAvail().x - 8) / cell));
        for (std::size_t i = 0; i < options.size(); ++i) {
          bool on = std::find(chosen.begin(), chosen.end(), options[i]) != chosen.end();
          if (i % per_row != 0) ImGui::SameLine(static_cast<float>(i % per_row) * cell + 8.0f);
          else ImGui::Dummy({0, 0});
          if (ImGui::Checkbox(options[i].c_str(), &on)) {
            changed = true;
            if (on) chosen.push_back(options[i]);
            else chosen.erase(std::remove(chosen.begin(), chosen.end(), options[i]), chosen.end());
          }
        }
        if (changed) {
          // Keep the declared order, so that the file reads naturally.
          std::vector<std::string> ordered;
          for (const auto& o : options)
            if (std::find(chosen.begin(), chosen.end(), o) != chosen.end()) ordered.push_back(o);
          set(path, value_yaml(ordered));
        }
        break;
      }
      default:
        break;
    }
    if (is_pending) {
      ImGui::PopStyleColor();
      if (ImGui::IsItemHovered()) ImGui::SetTooltip("takes effect next month");
    }
    ImGui::PopID();
  }

 private:
  std::string pending_or(const std::string& path, const std::string& current) const {
    for (auto it = state_.pending.rbegin(); it != state_.pending.rend(); ++it)
      if (it->first == path) return it->second;
    return current;
  }
  /// The ids of a list value as value_yaml wrote it (a pending pull): its inverse is the YAML reader.
  static std::vector<std::string> parse_list(const std::string& yaml) {
    std::vector<std::string> out;
    for (const auto& item : parse_yaml(yaml, "lever").seq) out.push_back(item.scalar);
    return out;
  }
  void set(const std::string& path, const std::string& value) {
    state_.pending.emplace_back(path, value);
    pull_(path, value);
  }

  LeverPanelState& state_;
  const ScenarioDef& params_;
  const PullLever& pull_;
};

template <typename List>
void agent_combo(const char* label, int& selected, const List& agents) {
  selected = std::clamp(selected, 0, std::max(0, static_cast<int>(agents.size()) - 1));
  if (agents.empty()) return;
  ImGui::SetNextItemWidth(180);
  if (ImGui::BeginCombo(label, agents[static_cast<std::size_t>(selected)].name.c_str())) {
    for (std::size_t i = 0; i < agents.size(); ++i)
      if (ImGui::Selectable(agents[i].name.c_str(), static_cast<int>(i) == selected)) selected = static_cast<int>(i);
    ImGui::EndCombo();
  }
}

}  // namespace

const std::vector<LeverDef>& lever_defs() {
  using G = LeverGroup;
  static const std::vector<LeverDef> defs = {
      {G::nation, "nations[].deny_frontier_access", "its closed labs refuse to serve:"},
      {G::nation, "nations[].ban_rival_models_in", "bans rival-origin models in:"},
      {G::nation, "nations[].materials_export_ban", "embargoes critical materials to:"},
      {G::nation, "nations[].chip_buy_ban", "tells its labs and hosts not to buy:"},
      {G::nation, "nations[].distillation_guard", "lets only leaks reach distillers of:"},
      {G::nation, "nations[].open_release_penalty", "open-release penalty", 0, 1e10, true},
      {G::nation, "nations[].rule_ban_threshold", "ban-rule threshold", 0, 1},
      {G::chipmaker, "chipmakers[].export_banned_to", "may not sell to labs of:"},
      {G::chipmaker, "chipmakers[].perf_per_dollar", "performance per dollar", 0.01, 3},
      {G::chipmaker, "chipmakers[].capacity", "capacity, USD/mo", 1e6, 1e12, true},
      {G::lab, "labs[].open", "releases open weights"},
      {G::lab, "labs[].distill", "distils from better models"},
      {G::lab, "labs[].distillable", "share others may distil from it", 0, 1},
      {G::lab, "labs[].distill_leak", "share of that leaking past guards", 0, 1},
      {G::lab, "labs[].subsidy", "subsidy, share of price", 0, 1},
      {G::lab, "labs[].funding", "funding, USD/mo", 1e5, 1e11, true},
      {G::line, "lines[].active", "on offer"},
      {G::line, "lines[].open", "released as open weights"},
      {G::line, "lines[].capability", "capability (a release jump)", 50, 400},
      {G::behaviour, "behaviour.bass_q", "Bass imitation q", 0, 3},
      {G::behaviour, "behaviour.revisit_rate", "revisit rate, per year", 0, 4},
      {G::behaviour, "behaviour.utility.price", "price weight", 0, 3},
      {G::behaviour, "behaviour.utility.origin_risk", "origin-risk weight", 0, 10},
      {G::behaviour, "behaviour.utility.switching_cost", "switching cost", 0, 6},
      {G::behaviour, "behaviour.distillation_rate", "distillation rate", 0, 0.3},
      {G::behaviour, "behaviour.hostility.us_china", "US-China hostility", 0, 1},
      {G::behaviour, "behaviour.demand_price_elasticity", "demand's price elasticity", 0, 3},
  };
  return defs;
}

void draw_levers(LeverPanelState& state, const ScenarioDef& params, int months_done, const PullLever& pull) {
  // Pending values are in force once a month has been simulated after they were pulled.
  if (!state.pending.empty() && months_done > state.pending_since) state.pending.clear();
  if (state.pending.empty()) state.pending_since = months_done;
  Panel panel(state, params, pull);
  auto levers = [&](LeverGroup group, std::size_t agent, const std::string& id) {
    for (const auto& def : lever_defs())
      if (def.group == group) panel.lever(def, agent, id);
  };
  ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
  ImGui::TextWrapped("Levers: a change takes effect next month and is recorded as a timed event.");
  ImGui::PopStyleColor();
  if (ImGui::CollapsingHeader("Nation policies", ImGuiTreeNodeFlags_DefaultOpen)) {
    agent_combo("nation", state.nation, params.nations);
    if (!params.nations.empty()) levers(LeverGroup::nation, static_cast<std::size_t>(state.nation), params.nations[static_cast<std::size_t>(state.nation)].id);
  }
  if (ImGui::CollapsingHeader("Chip export controls", ImGuiTreeNodeFlags_DefaultOpen)) {
    agent_combo("chipmaker", state.chip, params.chipmakers);
    if (!params.chipmakers.empty())
      levers(LeverGroup::chipmaker, static_cast<std::size_t>(state.chip), params.chipmakers[static_cast<std::size_t>(state.chip)].id);
  }
  if (ImGui::CollapsingHeader("Labs and subsidies", ImGuiTreeNodeFlags_DefaultOpen)) {
    agent_combo("lab", state.lab, params.labs);
    if (!params.labs.empty()) levers(LeverGroup::lab, static_cast<std::size_t>(state.lab), params.labs[static_cast<std::size_t>(state.lab)].id);
  }
  if (!params.lines.empty() && ImGui::CollapsingHeader("Model lines")) {
    agent_combo("line", state.line, params.lines);
    levers(LeverGroup::line, static_cast<std::size_t>(state.line), params.lines[static_cast<std::size_t>(state.line)].id);
  }
  if (ImGui::CollapsingHeader("Behaviour")) levers(LeverGroup::behaviour, 0, "");
}

}  // namespace geosim::viz
