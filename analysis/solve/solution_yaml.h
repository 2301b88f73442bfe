#pragma once
// A scenario file that reproduces a solve's answer: it extends the goal's base scenario and sets the
// goal's `set` keys and the levers found, nested as a scenario writes them (agents by id).
#include <string>
#include <utility>
#include <vector>

namespace geosim::solve {

/// The YAML text of a scenario that extends `base` (a path as the file should name it) and sets each
/// (key path, YAML value) in order; `comment` lines (without '#') head the file.
std::string scenario_with(const std::string& base, const std::string& name, const std::vector<std::pair<std::string, std::string>>& settings,
                          const std::vector<std::string>& comment);

}  // namespace geosim::solve
