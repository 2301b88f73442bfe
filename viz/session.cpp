#include "viz/session.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <algorithm>
#include <fstream>
#include <map>
#include <stdexcept>

#include "model/parameters.h"
#include "core/output_file.h"

namespace fs = std::filesystem;

namespace geosim::viz {
namespace {

/// Lists whose entries `--set` and `extends` both address by id.
bool is_id_list(const std::string& name) {
  return agent_list_named(name) != AgentList::none;
}

/// Sets `value` at the nested map position `parts[from..]` of `node`.
void set_nested(YAML::Node node, const std::vector<std::string>& parts, std::size_t from, const YAML::Node& value) {
  for (std::size_t i = from; i + 1 < parts.size(); ++i) {
    if (!node[parts[i]] || !node[parts[i]].IsMap()) node[parts[i]] = YAML::Node(YAML::NodeType::Map);
    node.reset(node[parts[i]]);
  }
  node[parts.back()] = value;
}

/// Overrides as the YAML a scenario file would hold: maps nested, agent keys as list entries by id.
YAML::Node overrides_tree(const std::vector<Override>& overrides) {
  YAML::Node root(YAML::NodeType::Map);
  std::map<std::string, std::vector<std::pair<std::string, YAML::Node>>> agents;  // list -> (id, entry)
  for (const auto& o : overrides) {
    auto parts = split_key_path(o.path);
    YAML::Node value = YAML::Load(o.value);
    const bool entry = parts.size() >= 2 && is_id_list(parts[0]);
    // `--set` replaces a map given as a value, `extends` would merge it: the session file could not
    // say what `geosim run --set` means, so such an override is refused.
    if (!entry && value.IsMap())
      throw DiagnosticError(Diagnostic{o.origin.file.empty() ? Mark{"--set " + o.path + "=" + o.value, 0, 0} : o.origin,
                                       "geosim view takes overrides of single keys; set the keys of '" + o.path + "' one by one"});
    if (entry) {
      auto& list = agents[parts[0]];
      auto it = std::find_if(list.begin(), list.end(), [&](const auto& e) { return e.first == parts[1]; });
      if (it == list.end()) {
        YAML::Node entry(YAML::NodeType::Map);
        entry["id"] = parts[1];
        list.emplace_back(parts[1], entry);
        it = std::prev(list.end());
      }
      if (parts.size() == 2) {
        // A whole entry (`labs.meta={open: false}`) merges into the entry, as `--set` does.
        if (value.IsMap())
          for (const auto& kv : value) it->second[kv.first.as<std::string>()] = kv.second;
      } else {
        set_nested(it->second, parts, 2, value);
      }
    } else {
      set_nested(root, parts, 0, value);
    }
  }
  for (auto& [name, list] : agents) {
    YAML::Node seq(YAML::NodeType::Sequence);
    for (auto& e : list) seq.push_back(e.second);
    root[name] = seq;
  }
  return root;
}

}  // namespace

Session::Session(std::string scenario_path, std::vector<Override> overrides) : path_(std::move(scenario_path)) {
  for (const auto& o : overrides)
    if (o.path != "seed") overrides_.push_back(o);
  // The seed comes from the scenario and the command line, checked by the schema like any key.
  seed_ = load_scenario(path_, overrides).seed;
  overrides_tree(overrides_);  // refuses now what the session file could not say
}

std::uint64_t Session::seed() const {
  std::lock_guard lock(mutex_);
  return seed_;
}

void Session::set_seed(std::uint64_t seed) {
  std::lock_guard lock(mutex_);
  seed_ = seed;
}

std::string Session::yaml(const std::string& dir) const {
  std::lock_guard lock(mutex_);
  return yaml_locked(dir, pulls_);
}

std::string Session::yaml_locked(const std::string& dir, const std::vector<LeverPull>& pulls) const {
  const fs::path original = fs::absolute(path_).lexically_normal();
  const fs::path rel = original.lexically_relative(fs::absolute(dir).lexically_normal());
  YAML::Node root = overrides_tree(overrides_);
  YAML::Emitter out;
  out << YAML::Comment("geosim view session: " + original.filename().string() + " with the levers pulled in the viewer") << YAML::Newline;
  out << YAML::BeginMap;
  out << YAML::Key << "extends" << YAML::Value << (rel.empty() ? original.string() : rel.string());
  out << YAML::Key << "seed" << YAML::Value << seed_;
  for (auto it = root.begin(); it != root.end(); ++it) out << YAML::Key << it->first << YAML::Value << it->second;
  if (!pulls.empty()) {
    out << YAML::Key << "events" << YAML::Value << YAML::BeginSeq;
    for (const auto& p : pulls) {
      out << YAML::BeginMap;
      out << YAML::Key << "id" << YAML::Value << p.event_id;
      out << YAML::Key << "at" << YAML::Value << p.at.str();
      out << YAML::Key << "note" << YAML::Value << "lever pulled in geosim view";
      out << YAML::Key << "set" << YAML::Value << YAML::BeginMap << YAML::Key << p.path << YAML::Value << YAML::Load(p.value) << YAML::EndMap;
      out << YAML::EndMap;
    }
    out << YAML::EndSeq;
  }
  out << YAML::EndMap;
  return std::string(out.c_str()) + "\n";
}

ScenarioDef Session::load_locked(const std::vector<LeverPull>& pulls) const {
  const fs::path dir = fs::absolute(path_).parent_path();
  // The name has no folder part: the loader resolves `extends` against base_dir joined with it.
  return load_scenario_text(yaml_locked(dir.string(), pulls), fs::path(path_).filename().string() + " (viewer session)", dir.string());
}

ScenarioDef Session::def() const {
  std::lock_guard lock(mutex_);
  return load_locked(pulls_);
}

ScenarioDef Session::def_without_levers() const {
  std::lock_guard lock(mutex_);
  return load_locked({});
}

EventDef Session::pull(Month at, const std::string& path, const std::string& value) {
  std::lock_guard lock(mutex_);
  // Event ids must be new to the scenario: `extends` merges events by id, so reusing one of the
  // opened file's (a saved session reopened) would silently merge two levers.
  {
    const ScenarioDef current = load_locked(pulls_);
    auto taken = [&](const std::string& id) {
      return std::any_of(current.events.begin(), current.events.end(), [&](const EventDef& e) { return e.id == id; });
    };
    while (taken("geosim-view-lever-" + std::to_string(next_id_))) ++next_id_;
  }
  auto pulls = pulls_;
  LeverPull p{at, path, value, "geosim-view-lever-" + std::to_string(next_id_)};
  // geosim's parser, not yaml-cpp's alone: it refuses what yaml-cpp accepts but cannot emit again (an
  // alias that contains itself would send the session's writer into endless recursion).
  parse_yaml(value, "lever " + path + "=" + value);
  pulls.push_back(p);
  ScenarioDef def = load_locked(pulls);  // the schema checks key, value and month
  for (auto& ev : def.events)
    if (ev.id == p.event_id) {
      pulls_ = std::move(pulls);
      ++next_id_;
      return ev;
    }
  throw std::logic_error("lever event " + p.event_id + " missing from the loaded scenario");
}

std::vector<LeverPull> Session::pulls() const {
  std::lock_guard lock(mutex_);
  return pulls_;
}

void Session::clear_pulls() {
  std::lock_guard lock(mutex_);
  pulls_.clear();
}

void Session::save(const std::string& file) const {
  const fs::path dir = fs::absolute(file).parent_path();
  write_file_atomically(file, yaml(dir.string()));
}

}  // namespace geosim::viz
