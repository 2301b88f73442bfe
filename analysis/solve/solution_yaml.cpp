#include "analysis/solve/solution_yaml.h"

#include "model/key_path.h"
#include "scenario/tree.h"
#include "scenario/yaml_text.h"

namespace geosim::solve {
namespace {

/// The map entry `key` of `map`, made (empty) if absent.
Node& entry(Node& map, const std::string& key) {
  map.kind = Node::Kind::map;
  if (Node* n = map.find(key)) return *n;
  map.map.push_back(Node::Entry{key, Mark{}, Node{}});
  return map.map.back().value;
}

/// The item of an agent list with id `id`, made if absent.
Node& agent(Node& list, const std::string& id) {
  list.kind = Node::Kind::seq;
  for (auto& item : list.seq)
    if (const Node* i = item.find("id"); i && i->scalar == id) return item;
  Node item;
  Node text;
  text.kind = Node::Kind::scalar, text.scalar = id, text.quoted = true;
  item.kind = Node::Kind::map;
  item.map.push_back(Node::Entry{"id", Mark{}, text});
  list.seq.push_back(item);
  return list.seq.back();
}

}  // namespace

std::string scenario_with(const std::string& base, const std::string& name, const std::vector<std::pair<std::string, std::string>>& settings,
                          const std::vector<std::string>& comment) {
  Node root;
  root.kind = Node::Kind::map;
  for (const auto& [path, value] : settings) {
    const auto parts = split_key_path(path);
    Node* at = &root;
    std::size_t i = 0;
    // An agent's key, "labs.deepseek.open": the agent's entry of its list, by id, as extends merges it.
    if (parts.size() >= 3 && agent_list_named(parts[0]) != AgentList::none) {
      at = &agent(entry(root, parts[0]), parts[1]);
      i = 2;
    }
    for (; i + 1 < parts.size(); ++i) at = &entry(*at, parts[i]);
    entry(*at, parts.back()) = parse_yaml(value, "the value of " + path);
  }
  std::string out;
  for (const auto& line : comment) out += "# " + line + "\n";
  out += "extends: " + yaml_quoted(base) + "\nname: " + yaml_quoted(name) + "\n";
  for (const auto& e : root.map) out += e.key + ": " + node_yaml(e.value) + "\n";
  return out;
}

}  // namespace geosim::solve
