#pragma once
// The model's parameters: the one declaration of every scenario key (type, range, default, unit,
// meaning, and where the value lives in ScenarioDef), and the one way a timeline event changes them.
// The loader, `geosim schema`, docs/scenario-format.md, checkpoints and the world's month step all read
// this table; nothing else knows the keys.
#include <cstddef>
#include <functional>
#include <string>
#include <vector>

#include "model/scenario_def.h"

namespace geosim {

/// What kind of value a key holds.
enum class KeyType {
  integer,      // whole number (Value holds a double)
  real,         // number
  boolean,      // true / false
  text,         // free text
  month,        // "YYYY-MM"
  choice,       // one of `choices`
  choice_list,  // list of `choices`
  ref,          // id of an agent in `ref`
  ref_list,     // list of ids of agents in `ref`
  ref_map,      // map from ids of agents in `ref` to numbers in [min, max]
  id,           // an agent's own id: letters, digits, '_' and '-'
  changes,      // an event's map from key paths to values
};

/// Which agent list a key belongs to, or refers to.
enum class AgentList { none, nations, labs, lines, chipmakers, events, claims };

/// The lists of agents a scenario declares, in the order a resolved scenario writes them.
inline constexpr AgentList agent_lists[] = {AgentList::nations, AgentList::labs, AgentList::lines, AgentList::chipmakers};

/// One scenario key, declared once.
struct KeySpec {
  std::string path;  // full path; "[]" marks an agent list, e.g. "labs[].affinity"
  KeyType type = KeyType::real;
  double min = 0, max = 0;  // range for numbers (and for ref_map values)
  bool required = false;
  std::string default_text;  // default as YAML text; empty when required or when there is none
  std::string unit;
  std::string doc;
  std::vector<std::string> choices;
  AgentList ref = AgentList::none;  // referenced list, for ref / ref_list / ref_map
  bool settable = false;            // may be changed by a timeline event mid-run
  bool sets_state = false;          // an event's value also replaces the agent's current state (a capability jump)

  std::function<void(ScenarioDef&, std::size_t, const Value&)> set;
  std::function<Value(const ScenarioDef&, std::size_t)> get;

  /// The agent list this key lives in (from the path), or none for top-level sections.
  AgentList owner() const;
  /// The path below the agent list, e.g. "affinity" for "labs[].affinity"; the whole path otherwise.
  std::string local_path() const;
};

/// Every key, in documentation order.
const std::vector<KeySpec>& schema();

/// The key with this full path (as in KeySpec::path), or nullptr.
const KeySpec* find_key(const std::string& path);

/// A key of model v1 that model v2 removed or retyped, and what to write instead: the loader adds the
/// note to its refusal, so that a v1 scenario says how to migrate.
struct RetiredKey {
  std::string path;      // as the schema would declare it, e.g. "labs[].capability_growth"
  bool was_boolean;      // the key still exists, but took true or false in v1: the note applies to such values
  std::string note;
};

/// The retired key with this schema path, or nullptr.
const RetiredKey* retired_key(const std::string& path);

/// Index of `key` in schema().
std::size_t key_index(const KeySpec& key);

/// The name of an agent list as it appears in a scenario ("nations", ...).
const char* agent_list_name(AgentList list);

/// The agent list (or events) a scenario section or key-path head names, or none: "labs" is labs.
AgentList agent_list_named(const std::string& name);

/// Singular noun for an agent list ("nation", ...), for messages.
const char* agent_noun(AgentList list);

/// Human description of a key's type and range, e.g. "a number in [0, 1]".
std::string describe_expected(const KeySpec& key);

/// Number of agents in a list of a scenario.
std::size_t agent_count(const ScenarioDef& def, AgentList list);

/// Id of agent `index` in a list.
const std::string& agent_id(const ScenarioDef& def, AgentList list, std::size_t index);

/// Holds the keys of every mechanism `def` switches off at their neutral values (docs/model.md 3.15):
/// applied when a world is made and after each month's events, so that no event turns one back on.
void switch_off_mechanisms(ScenarioDef& def);

/// Applies one change of an event to the parameters in `def`.
void apply_change(ScenarioDef& def, const Change& change);

/// Applies, in list order, the changes of every event dated `month`; returns whether there was any.
bool apply_events_at(ScenarioDef& def, Month month);

/// The parameters as they stand at the start of `month` before its own events: `def` with the changes
/// of every earlier event applied in time order (events are kept sorted by month).
ScenarioDef parameters_before(ScenarioDef def, Month month);

}  // namespace geosim
