#pragma once
// Key paths, the one way scenario keys are named outside a scenario's nesting: in events, --set,
// sweeps, the viewer's levers and messages. An agent's key is addressed by the agent's id
// ("labs.deepseek.open"); the schema declares it as "labs[].open".
#include <optional>
#include <string>
#include <vector>

#include "model/parameters.h"

namespace geosim {

/// A key path's parts: "labs.deepseek.open" is {"labs", "deepseek", "open"}.
std::vector<std::string> split_key_path(const std::string& path);

/// What a key path names.
struct KeyAddress {
  AgentList list = AgentList::none;  // the agent list it addresses by id, or none for a top-level key
  std::string id;                    // the agent's id ("" for a top-level key, or when the path stops at the list)
  std::string schema_path;           // the key as the schema declares it ("labs[].open"); "" when the path names no key
};

/// "labs.deepseek.open" is {labs, "deepseek", "labs[].open"}; "behaviour.bass_q" is {none, "",
/// "behaviour.bass_q"}; "labs.deepseek" is {labs, "deepseek", ""}. Whether the key exists is for
/// find_key to say.
KeyAddress address_of(const std::string& path);

/// The key path of `key` for the agent with id `id` (ignored for a top-level key): the inverse of
/// address_of, as events and --set write it.
std::string key_path_of(const KeySpec& key, const std::string& id);

/// The number a key path holds in a scenario ("labs.deepseek.funding", "labs.deepseek.affinity.huawei"),
/// or nullopt when it names no number there (a yes/no or a text, an unknown agent or key, a map entry
/// the scenario does not give).
std::optional<double> number_at(const ScenarioDef& def, const std::string& path);

}  // namespace geosim
