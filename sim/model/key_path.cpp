#include "model/key_path.h"

namespace geosim {

std::vector<std::string> split_key_path(const std::string& path) {
  std::vector<std::string> parts;
  std::size_t start = 0;
  while (true) {
    auto dot = path.find('.', start);
    parts.push_back(path.substr(start, dot - start));
    if (dot == std::string::npos) break;
    start = dot + 1;
  }
  return parts;
}

KeyAddress address_of(const std::string& path) {
  KeyAddress a;
  const auto parts = split_key_path(path);
  const AgentList list = agent_list_named(parts[0]);
  if (list == AgentList::none) {
    a.schema_path = path;
    return a;
  }
  a.list = list;
  if (parts.size() >= 2) a.id = parts[1];
  if (parts.size() >= 3) {
    a.schema_path = parts[0] + "[]";
    for (std::size_t i = 2; i < parts.size(); ++i) a.schema_path += "." + parts[i];
  }
  return a;
}

std::string key_path_of(const KeySpec& key, const std::string& id) {
  if (key.owner() == AgentList::none) return key.path;
  return std::string(agent_list_name(key.owner())) + "." + id + "." + key.local_path();
}

std::optional<double> number_at(const ScenarioDef& def, const std::string& path) {
  const KeyAddress a = address_of(path);
  if (a.schema_path.empty()) return std::nullopt;
  std::size_t index = 0;
  if (a.list != AgentList::none) {
    const std::size_t n = agent_count(def, a.list);
    while (index < n && agent_id(def, a.list, index) != a.id) ++index;
    if (index == n) return std::nullopt;
  }
  if (const KeySpec* k = find_key(a.schema_path)) {
    if (!k->get) return std::nullopt;
    const Value v = k->get(def, index);
    if (const double* x = std::get_if<double>(&v)) return *x;
    return std::nullopt;
  }
  // An entry of a map keyed by agent ids: "labs.deepseek.affinity.huawei".
  const auto dot = a.schema_path.rfind('.');
  const KeySpec* parent = dot == std::string::npos ? nullptr : find_key(a.schema_path.substr(0, dot));
  if (!parent || parent->type != KeyType::ref_map || !parent->get) return std::nullopt;
  const auto map = std::get<std::map<std::string, double>>(parent->get(def, index));
  const auto at = map.find(a.schema_path.substr(dot + 1));
  if (at == map.end()) return std::nullopt;
  return at->second;
}

}  // namespace geosim
