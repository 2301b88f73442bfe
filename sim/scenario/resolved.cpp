// Writing a ScenarioDef back as YAML: every key, in schema order, values that load back exactly.
#include <sstream>

#include "scenario/loader.h"
#include "model/parameters.h"
#include "scenario/yaml_text.h"

namespace geosim {
namespace {

/// Emits the keys of one scope, opening nested maps as their paths require.
void emit_scope(std::ostringstream& out, const ScenarioDef& def, AgentList list, std::size_t index, const std::string& indent,
                bool first_dash) {
  std::vector<std::string> open;  // segments of the nested map currently open
  bool first = true;
  for (const auto& k : schema()) {
    if (k.owner() != list || !k.get) continue;
    const std::vector<std::string> segs = split_key_path(k.local_path());
    std::size_t common = 0;
    while (common < open.size() && common + 1 < segs.size() && open[common] == segs[common]) ++common;
    open.resize(common);
    auto line_start = [&](std::size_t depth) {
      std::string pre = indent + std::string(2 * depth, ' ');
      if (first && first_dash) pre = indent.substr(0, indent.size() - 2) + "- " + std::string(2 * depth, ' ');
      first = false;
      return pre;
    };
    for (std::size_t d = common; d + 1 < segs.size(); ++d) {
      out << line_start(d) << segs[d] << ":\n";
      open.push_back(segs[d]);
    }
    out << line_start(segs.size() - 1) << segs.back() << ": " << value_yaml(k.get(def, index), k.type == KeyType::integer) << "\n";
  }
}

std::string change_path(const ScenarioDef& def, const Change& c) {
  const KeySpec& k = schema()[c.key];
  return key_path_of(k, k.owner() == AgentList::none ? "" : agent_id(def, k.owner(), c.agent));
}

}  // namespace

std::string resolved_yaml(const ScenarioDef& def) {
  std::ostringstream out;
  out << "# geosim resolved scenario: every key with its value and no 'extends'.\n"
      << "# `geosim run` on this file reproduces the run's series.csv byte for byte.\n";
  emit_scope(out, def, AgentList::none, 0, "", false);
  out << "plausible: " << yaml_quoted(def.plausible) << "\n";
  for (AgentList list : agent_lists) {
    out << agent_list_name(list) << ":";
    std::size_t n = agent_count(def, list);
    out << (n == 0 ? " []\n" : "\n");
    for (std::size_t i = 0; i < n; ++i) emit_scope(out, def, list, i, "    ", true);
  }
  out << "events:" << (def.events.empty() ? " []\n" : "\n");
  for (const auto& ev : def.events) {
    if (ev.when) {
      const TriggerDef& t = *ev.when;
      out << "  - when: {metric: " << yaml_quoted(t.metric) << ", scope: " << yaml_quoted(t.scope) << ", "
          << (t.above ? "above: " + value_yaml(*t.above, false) : "below: " + value_yaml(*t.below, false)) << ", for: " << t.months << "}\n";
    } else {
      out << "  - at: " << yaml_quoted(ev.at.str()) << "\n";
    }
    if (!ev.id.empty()) out << "    id: " << yaml_quoted(ev.id) << "\n";
    if (!ev.note.empty()) out << "    note: " << yaml_quoted(ev.note) << "\n";
    out << "    enabled: " << (ev.enabled ? "true" : "false") << "\n";
    out << "    set:" << (ev.changes.empty() ? " {}\n" : "\n");
    for (const auto& c : ev.changes) out << "      " << change_path(def, c) << ": " << value_yaml(c.value, schema()[c.key].type == KeyType::integer) << "\n";
  }
  out << "claims:" << (def.claims.empty() ? " []\n" : "\n");
  for (const auto& c : def.claims) {
    out << "  - id: " << yaml_quoted(c.id) << "\n";
    if (!c.text.empty()) out << "    text: " << yaml_quoted(c.text) << "\n";
    out << "    metric: " << yaml_quoted(c.metric) << "\n    scope: " << yaml_quoted(c.scope) << "\n    at: " << yaml_quoted(c.at.str()) << "\n    effect: "
        << (c.increase ? "increase" : "decrease") << "\n";
  }
  return out.str();
}

}  // namespace geosim
