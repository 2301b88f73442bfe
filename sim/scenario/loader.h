#pragma once
// Reading a scenario: YAML files, `extends` chains, command-line overrides, validation against the
// schema. The only module that knows YAML; it hands the core a ScenarioDef.
#include <optional>
#include <string>
#include <vector>

#include "model/scenario_def.h"
#include "scenario/diagnostics.h"
#include "model/key_path.h"
#include "scenario/tree.h"

namespace geosim {

/// A `--set key.path=value` override from the command line, or a value a sweep sets.
struct Override {
  std::string path;   // e.g. "labs.deepseek.open" or "population.adopters"
  std::string value;  // YAML text, e.g. "false", "[CN, RU]"
  /// Where the user wrote it, for messages: a file position (a sweep's `set`), or with line 0 a
  /// description ("the sweep's seed rule"); empty: "--set path=value".
  Mark origin;
  /// The value already parsed, with the marks of the file it came from; when set, `value` is only
  /// for messages.
  std::optional<Node> tree;
};

/// Parses "key.path=value"; throws DiagnosticError when there is no '='.
Override parse_override(const std::string& text);

/// The override a --seed option makes (an empty text included: the schema refuses it).
Override seed_override(const std::string& text);

/// Applies overrides to a merged tree, in order, as `--set` does.
void apply_overrides(Node& tree, const std::vector<Override>& overrides);

/// Loads `path`, follows `extends`, merges, applies overrides; returns the merged tree (not validated).
Node load_merged_tree(const std::string& path, const std::vector<Override>& overrides = {});

/// Checks a merged tree against the schema and builds the scenario; throws DiagnosticError listing
/// every problem. `default_name` is used when the scenario has no `name`.
ScenarioDef build_scenario(const Node& tree, const std::string& default_name);

/// load_merged_tree + build_scenario.
ScenarioDef load_scenario(const std::string& path, const std::vector<Override>& overrides = {});

/// Loads a scenario from YAML text (for tests and tools); `extends` is resolved against `base_dir`,
/// then the overrides apply as for a file.
ScenarioDef load_scenario_text(const std::string& text, const std::string& file_name, const std::string& base_dir = ".",
                               const std::vector<Override>& overrides = {});

/// Merges `child` over `parent` by the documented rules (maps deep, agent lists by id, `remove: true`).
/// `path` is the child's position ("" for the document root).
Node merge_trees(const Node& parent, const Node& child, const std::string& path = "");

/// Sets the number of months to simulate (`geosim run --months`): events and claims dated after the
/// new end are dropped, since the run never reaches them. Returns how many events were dropped.
std::size_t set_horizon(ScenarioDef& def, int months);

/// The fully resolved scenario as YAML: every key with its value, no extends; loads back to the same.
std::string resolved_yaml(const ScenarioDef& def);

}  // namespace geosim
