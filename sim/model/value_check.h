#pragma once
// Whether a value a key holds is one the key accepts: its kind, range, choices and the agents it
// names. The loader reads values from YAML and refuses those this rejects; a restored checkpoint's
// parameters, which bypass the YAML, are held to the same rules (model/checkpoint.cpp).
#include <cstddef>
#include <optional>
#include <string>

#include "model/parameters.h"

namespace geosim {

/// The longest agent id: ids name folders' scopes and columns, and a longer one is a mistake.
inline constexpr std::size_t max_id_length = 64;

/// An agent's id: 1 to max_id_length letters, digits, '_' and '-'.
bool is_id(const std::string& text);

/// What is wrong with `value` as the value of `key` for agent `index` of `def` ("expected a number in
/// [0, 1], got nan"), or nullopt when the key accepts it. References are checked against `def`'s agents.
std::optional<std::string> value_problem(const KeySpec& key, const Value& value, const ScenarioDef& def);

}  // namespace geosim
