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
  if (list == AgentList::none || list == AgentList::events) {
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

}  // namespace geosim
